import { CreateDateColumn, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One place a credential is used (a chatflow, an agent), as its runtime recorded it. */
@Entity({ name: 'vault_credential_usage' })
@Index('IDX_vault_credential_usage_workspace', ['workspaceId'])
export class CredentialUsageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  credentialId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  kind!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  usageId!: string;

  @Column({ type: 'varchar', length: 255 })
  workspaceId!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  label!: string | null;

  @CreateDateColumn()
  createdDate!: Date;
}
