import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../core/principal';

/** The verified caller; only `JwtAuthGuard` sets it. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<{ user?: Principal }>();
    if (!request.user) {
      throw new Error('@CurrentPrincipal() used on a route without JwtAuthGuard');
    }
    return request.user;
  },
);
