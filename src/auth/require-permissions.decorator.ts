import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';
import { Permission } from '../core/permissions';

export const REQUIRED_PERMISSIONS = 'credentials-vault:required-permissions';

/**
 * The permissions an operation needs (checked by `PermissionsGuard`), stated in the OpenAPI
 * document as `x-required-permissions` and in the operation's description.
 */
export function RequirePermissions(...permissions: Permission[]): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, permissions),
    ApiExtension('x-required-permissions', permissions),
    ApiOperation(
      {
        description:
          `Requires permission \`${permissions.join('`, `')}\`; without it the answer is ` +
          `403 "Missing permission ${permissions[0]}".`,
      },
      { overrideExisting: false },
    ),
  );
}
