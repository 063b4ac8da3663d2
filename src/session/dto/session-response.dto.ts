import { Permission, PERMISSIONS, Role, ROLES } from '../../core/permissions';
import { ApiProperty } from '@nestjs/swagger';

export class SessionUserDto {
  /** @example 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80 */
  id!: string;

  /** @example admin@example.com */
  email!: string;
}

export class SessionWorkspaceDto {
  /** @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d */
  id!: string;

  /** @example Default */
  name!: string;

  /** Your role in this workspace. */
  @ApiProperty({ enum: ROLES, example: 'owner' })
  role!: Role;
}

/** Who you are, in which workspace, allowed to do what. */
export class MeResponseDto {
  user!: SessionUserDto;

  workspace!: SessionWorkspaceDto;

  /** What your access token allows in this workspace. */
  @ApiProperty({ enum: PERMISSIONS, isArray: true, example: ['credentials:view'] })
  permissions!: Permission[];
}

export class TokenPairResponseDto extends MeResponseDto {
  /** Send as `Authorization: Bearer <accessToken>`. */
  accessToken!: string;

  /** @example Bearer */
  tokenType!: 'Bearer';

  /** Seconds until the access token expires. @example 900 */
  expiresIn!: number;

  /** Opaque and single-use: trade it at POST /auth/refresh for a new pair. */
  refreshToken!: string;
}
