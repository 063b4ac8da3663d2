import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Permission } from '../core/permissions';
import { Principal } from '../core/principal';
import { REQUIRED_PERMISSIONS } from './require-permissions.decorator';

/**
 * Checks `@RequirePermissions()` against the verified token's permissions, after
 * `JwtAuthGuard`. The token is the authority: no database lookup.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(
      REQUIRED_PERMISSIONS,
      [context.getHandler(), context.getClass()],
    );
    if (!required || required.length === 0) {
      return true;
    }
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) {
      throw new Error('PermissionsGuard must run after JwtAuthGuard');
    }
    const missing = required.find((permission) => !principal.permissions.includes(permission));
    if (missing) {
      throw new ForbiddenException(`Missing permission ${missing}`);
    }
    return true;
  }
}
