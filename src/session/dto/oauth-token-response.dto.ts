/** An OAuth 2.0 token response (RFC 6749 §5.1). */
export class OAuthTokenResponseDto {
  /** Send as `Authorization: Bearer <access_token>`. */
  access_token!: string;

  /** @example bearer */
  token_type!: 'bearer';

  /** Seconds until the access token expires. @example 900 */
  expires_in!: number;

  /** Opaque and single-use: trade it at POST /auth/refresh for a new pair. */
  refresh_token!: string;
}
