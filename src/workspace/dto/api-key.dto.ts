import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import type { ApiKeyEntity } from '../../auth/api-key.entity';
import { CREDENTIAL_PERMISSIONS, Permission } from '../../core/permissions';

export class CreateApiKeyDto {
  /**
   * What the key is for.
   * @example CI pipeline
   */
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  /** What the key may do with the workspace's credentials. */
  @ApiProperty({ enum: CREDENTIAL_PERMISSIONS, isArray: true, example: ['credentials:view'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CREDENTIAL_PERMISSIONS.length)
  @IsIn(CREDENTIAL_PERMISSIONS, { each: true })
  permissions!: Permission[];

  /**
   * When the key stops working; default never. Must be in the future.
   * @example 2030-01-01T00:00:00.000Z
   */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;
}

export class ApiKeyResponseDto {
  /** @example 5d1f0c3e-8a2b-4c6d-9e0f-1a2b3c4d5e6f */
  id!: string;

  /** @example CI pipeline */
  name!: string;

  /** The key's first characters, to tell keys apart. @example cvk_Q2hhbmdl */
  prefix!: string;

  @ApiProperty({ enum: CREDENTIAL_PERMISSIONS, isArray: true, example: ['credentials:view'] })
  permissions!: Permission[];

  /** @example 2024-03-15T10:30:00.000Z */
  createdAt!: string;

  /** Last use, to the minute; null if never used. @example 2024-03-16T08:00:00.000Z */
  lastUsedAt!: string | null;

  /** null: never expires. @example 2030-01-01T00:00:00.000Z */
  expiresAt!: string | null;
}

export class CreatedApiKeyResponseDto {
  /** @example 5d1f0c3e-8a2b-4c6d-9e0f-1a2b3c4d5e6f */
  id!: string;

  /** @example CI pipeline */
  name!: string;

  /**
   * The key, shown this once: send it as `Authorization: Bearer <key>`. Only a keyed hash is
   * stored, so it cannot be shown again.
   */
  key!: string;

  /** @example cvk_Q2hhbmdl */
  prefix!: string;

  @ApiProperty({ enum: CREDENTIAL_PERMISSIONS, isArray: true, example: ['credentials:view'] })
  permissions!: Permission[];

  /** @example 2030-01-01T00:00:00.000Z */
  expiresAt!: string | null;
}

export function toApiKeyResponse(row: ApiKeyEntity): ApiKeyResponseDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

export function toCreatedApiKeyResponse(row: ApiKeyEntity, key: string): CreatedApiKeyResponseDto {
  return {
    id: row.id,
    name: row.name,
    key,
    prefix: row.prefix,
    permissions: row.permissions,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}
