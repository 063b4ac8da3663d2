import { applyDecorators, SetMetadata, Type, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_RECOVERY, IdempotencyRecovery } from './idempotency-recovery';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Optional (IETF draft "The Idempotency-Key HTTP Header Field"): a unique key per operation, ' +
  '1-255 printable ASCII characters, as a string (`"8e03978e-40d5"`) or bare. The first answer is kept for ' +
  '24 hours (IDEMPOTENCY_TTL) per workspace and key: a retry with the same key and body gets ' +
  'it again, with `Idempotent-Replayed: true`, and changes nothing; the same key with another ' +
  'body is a 422; while the first request runs, a retry gets 409 with Retry-After.';

/**
 * Makes a guarded write safe to retry with an `Idempotency-Key`. Its 409 (in progress) and 422
 * (reused key) answers are added to the document by `api-docs`.
 */
export function Idempotent(
  options: { recovery?: Type<IdempotencyRecovery> } = {},
): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_RECOVERY, options.recovery),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: IDEMPOTENCY_KEY_DESCRIPTION,
      // No example: Swagger UI would put it in every try-out, and the second would be a 422.
      schema: { type: 'string', minLength: 1, maxLength: 257 },
    }),
  );
}
