import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, Length } from 'class-validator';

export class CreateUserDto {
  /**
   * The sign-in email; unique regardless of letter case.
   * @example ada@example.com
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  @Length(3, 320)
  email!: string;

  /** The initial password, 12 to 256 characters. Write-only. */
  @IsString()
  @Length(12, 256)
  password!: string;

  /** Whether the user administers the instance (creates users). Default false. */
  @IsOptional()
  @IsBoolean()
  isInstanceAdmin?: boolean;
}
