import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto';
import { Permission } from './permissions';

export const REQUIRED_PERMISSIONS = 'credentials-vault:required-permissions';

/**
 * The permissions an operation needs (checked by `PermissionsGuard`), stated in the OpenAPI
 * document as `x-required-permissions` and in the operation's 403 response.
 */
export function RequirePermissions(...permissions: Permission[]): MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, permissions),
    ApiExtension('x-required-permissions', permissions),
    ApiResponse({
      status: 403,
      description: `Needs permission ${permissions.join(' and ')}; without it: Missing permission ${permissions[0]}`,
      type: ErrorResponseDto,
    }),
  );
}
