import { ApiProperty } from '@nestjs/swagger';
import { CredentialUsageResponseDto } from './credential-usage.dto';

/** A delete refused because the credential is in use. */
export class CredentialInUseResponseDto {
  /** @example 409 */
  @ApiProperty({ type: 'integer' })
  statusCode!: number;

  /** @example Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 is in use (1); release its usages first, or delete with force=true */
  message!: string;

  /** @example Conflict */
  error!: string;

  /** Everything that uses the credential. */
  usages!: CredentialUsageResponseDto[];
}
