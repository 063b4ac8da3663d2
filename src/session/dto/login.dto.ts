import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

export class LoginDto {
  /** @example admin@example.com */
  @IsString()
  @Length(1, 320)
  email!: string;

  /** Write-only. @example correct-horse-battery-staple */
  @IsString()
  @Length(1, 256)
  password!: string;

  /**
   * The workspace to sign in to; default: the oldest of your memberships.
   * @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d
   */
  @IsOptional()
  @IsUUID('all')
  workspaceId?: string;
}
