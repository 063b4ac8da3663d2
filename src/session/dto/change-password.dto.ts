import { IsString, Length } from 'class-validator';

export class ChangePasswordDto {
  /** Write-only. */
  @IsString()
  @Length(1, 256)
  currentPassword!: string;

  /** 12 to 256 characters. Write-only. */
  @IsString()
  @Length(12, 256)
  newPassword!: string;
}
