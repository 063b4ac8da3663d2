import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** bigint comes back from PostgreSQL as a string; sequence numbers fit a JS number. */
export const bigintAsNumber = {
  to: (value: number): number => value,
  from: (value: string | number): number => Number(value),
};

/**
 * One event of the audit trail. `mac` is the HMAC of the row's canonical form (every column but
 * `seq` and `mac`) including `prevMac`, the previous event's MAC: the chain. Never a secret.
 */
@Entity({ name: 'vault_audit_event' })
@Index('IDX_vault_audit_event_workspace_seq', ['workspaceId', 'seq'])
@Index('IDX_vault_audit_event_occurred', ['occurredAt'])
export class AuditEventEntity {
  /** The position in the chain, given under the chain lock; gaps are broken links. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  @Column({ type: 'varchar', length: 36, unique: true })
  id!: string;

  /** ISO 8601 UTC with milliseconds (`toISOString`): portable, ordered as text, MAC-stable. */
  @Column({ type: 'varchar', length: 24 })
  occurredAt!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  workspaceId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  actorType!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  targetId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  targetName!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  targetCredentialName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  /** JSON object of non-secret details, as stored text (the MAC covers this exact text). */
  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sourceAddress!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 64 })
  prevMac!: string;

  @Column({ type: 'varchar', length: 64 })
  mac!: string;
}
