import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './audit-event.entity';

/** The one row of the chain's state; its primary key. */
export const CHAIN_ROW_ID = 1;

/**
 * The chain's state, one row per database: the MAC key (encrypted by the vault's
 * `EncryptionProvider`, so it opens only with the master key), the signed head (the last event;
 * a truncated tail no longer matches it) and the signed anchor (where retention cut the chain).
 * Appends lock this row, which orders them across processes and replicas.
 */
@Entity({ name: 'vault_audit_chain' })
export class AuditChainEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  /** The 32-byte MAC key, base64, as the EncryptionProvider's ciphertext; never plaintext. */
  @Column({ type: 'text' })
  keyCiphertext!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  headSeq!: number;

  /** The MAC of event `headSeq` ('' before the first event). */
  @Column({ type: 'varchar', length: 64 })
  headMac!: string;

  @Column({ type: 'varchar', length: 64 })
  headSignature!: string;

  /** Events up to this seq were pruned by retention (0: none). */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  anchorSeq!: number;

  /** The MAC of event `anchorSeq`, which the first kept event must chain to. */
  @Column({ type: 'varchar', length: 64 })
  anchorMac!: string;

  @Column({ type: 'varchar', length: 64 })
  anchorSignature!: string;
}
