import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsUUID, Length } from 'class-validator';
import { Role, ROLES } from '../../core/permissions';
import { Member } from '../workspace.service';

export class AddMemberDto {
  /**
   * The user's email; send this or `userId`.
   * @example ada@example.com
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  @Length(3, 320)
  email?: string;

  /**
   * The user's id; send this or `email`.
   * @example 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80
   */
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  /** The role to grant. Only an owner may grant `owner`. */
  @ApiProperty({ enum: ROLES, example: 'editor' })
  @IsIn(ROLES)
  role!: Role;
}

export class UpdateMemberDto {
  /** The new role. Only an owner may grant or take away `owner`. */
  @ApiProperty({ enum: ROLES, example: 'viewer' })
  @IsIn(ROLES)
  role!: Role;
}

export class MemberResponseDto {
  /** @example 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80 */
  userId!: string;

  /** @example ada@example.com */
  email!: string;

  @ApiProperty({ enum: ROLES, example: 'editor' })
  role!: Role;

  /** When the user joined the workspace. @example 2024-03-15T10:30:00.000Z */
  createdAt!: string;
}

export function toMemberResponse(member: Member): MemberResponseDto {
  return {
    userId: member.user.id,
    email: member.user.email,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
  };
}
