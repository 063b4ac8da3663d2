import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal } from '../core/principal';

/**
 * The workspace id of the verified token. Only the guard sets `request.user`, so a controller
 * parameter with this decorator can never carry a workspace the caller chose in the body.
 */
export const CurrentWorkspace = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<{ user?: Principal }>();
    if (!request.user) {
      throw new Error('@CurrentWorkspace() used on a route without JwtAuthGuard');
    }
    return request.user.workspaceId;
  },
);
