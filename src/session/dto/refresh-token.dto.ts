import { IsString, Length } from 'class-validator';

export class RefreshTokenDto {
  /** The refresh token from the last login or refresh. Single use: each refresh rotates it. */
  @IsString()
  @Length(1, 200)
  refreshToken!: string;
}
