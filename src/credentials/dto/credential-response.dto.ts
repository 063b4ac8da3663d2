import { ApiProperty } from '@nestjs/swagger';

/** A credential as every endpoint returns it: metadata and ciphertext, never plaintext. */
export class CredentialResponseDto {
  /** @example 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 */
  id!: string;

  /** @example "Production OpenAI Key" */
  name!: string;

  /** @example openAIApi */
  credentialName!: string;

  /**
   * The AES-256-GCM envelope of the secret fields under the workspace's data key:
   * `v2.<dataKeyVersion>.<iv>.<ciphertext>.<tag>` (first-release rows: `v1.<keyId>...`).
   * Opaque to clients; it cannot be decrypted outside the vault.
   * @example v2.1.kC1zYV9x2h7bTq0m.Jx0k2mVn8uQ.7e9Wm3b1GQ0pZk1sYc2uXw
   */
  encryptedData!: string;

  /** @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d */
  workspaceId!: string;

  /** When the credential was created (ISO 8601, UTC). */
  @ApiProperty({ format: 'date-time', example: '2024-03-15T10:30:00.000Z' })
  createdDate!: string;

  /** When the name or the secret last changed (ISO 8601, UTC). */
  @ApiProperty({ format: 'date-time', example: '2024-03-15T10:30:00.000Z' })
  updatedDate!: string;

  /**
   * When an application last read the secret in process (within a few seconds); absent when
   * it never has. Reading the metadata over HTTP does not count.
   */
  @ApiProperty({ format: 'date-time', example: '2024-03-16T08:00:00.000Z' })
  lastUsedAt?: string;
}
