/** The body of every error response. */
export class ErrorResponseDto {
  /** @example 404 */
  statusCode!: number;

  /**
   * What went wrong; a list when validation found several problems.
   * @example Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found
   */
  message!: string | string[];

  /** @example Not Found */
  error!: string;
}
