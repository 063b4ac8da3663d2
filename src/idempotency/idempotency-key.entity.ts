import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyState = 'in-progress' | 'done';

/**
 * The first answer to a request sent with an `Idempotency-Key`, kept for replays. The request
 * itself is never stored (its body holds plaintext secrets): only a keyed hash of it.
 */
@Entity({ name: 'vault_idempotency_key' })
@Index('IDX_vault_idempotency_key_expires', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  workspaceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  idempotencyKey!: string;

  /** HMAC-SHA-256 of method, path and canonical body: tells a retry from a reuse. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  /** Which request holds the claim, so only it (or an expiry) can release it. */
  @Column({ type: 'varchar', length: 36 })
  claimId!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: IdempotencyState;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** The JSON the first request answered: ciphertext and redacted data only, never plaintext. */
  @Column({ type: 'text', nullable: true })
  responseBody!: string | null;

  /** The response headers a replay repeats (e.g. `ETag`), as a JSON object. */
  @Column({ type: 'text', nullable: true })
  responseHeaders!: string | null;

  @Column({ type: Date })
  createdAt!: Date;

  @Column({ type: Date })
  expiresAt!: Date;
}
