import { Equals, IsOptional, IsString, Length } from 'class-validator';

/** An OAuth 2.0 password grant (RFC 6749 §4.3), as Swagger UI's Authorize dialog sends it. */
export class OAuthTokenRequestDto {
  /** @example password */
  @Equals('password', { message: 'grant_type must be password' })
  grant_type!: string;

  /** Your email. @example admin@example.com */
  @IsString()
  @Length(1, 320)
  username!: string;

  /** Your password. Write-only. @example correct-horse-battery-staple */
  @IsString()
  @Length(1, 256)
  password!: string;

  /** Ignored: a token carries your role's permissions in your default workspace. */
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  scope?: string;

  /** Ignored: this server has no registered clients. */
  @IsOptional()
  @IsString()
  @Length(0, 200)
  client_id?: string;

  /** Ignored: this server has no registered clients. */
  @IsOptional()
  @IsString()
  @Length(0, 200)
  client_secret?: string;
}
