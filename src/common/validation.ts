import { ValidationPipe } from '@nestjs/common';

/**
 * The pipe every controller of ours uses (never global: hosts keep their own). Unknown fields
 * are refused, not dropped, so a typo is an error instead of a silent no-op.
 */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
});
