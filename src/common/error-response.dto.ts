import { ApiProperty } from '@nestjs/swagger';

/** The body of every error response. */
export class ErrorResponseDto {
  /** @example 404 */
  @ApiProperty({ type: 'integer' })
  statusCode!: number;

  /** What went wrong; a list when validation found several problems. */
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
  })
  message!: string | string[];

  /** @example "Not Found" */
  error!: string;
}
