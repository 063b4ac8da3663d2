import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'vault_credential' })
@Index('IDX_credential_workspace_created', ['workspaceId', 'createdDate', 'id'])
export class CredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  credentialName!: string;

  /** The AES-GCM envelope of the JSON secret; never plaintext. */
  @Column({ type: 'text' })
  encryptedData!: string;

  @Column({ type: 'varchar', length: 255 })
  workspaceId!: string;

  // Set by the service (millisecond precision, strictly increasing), never by the database clock.
  @CreateDateColumn()
  createdDate!: Date;

  @UpdateDateColumn()
  updatedDate!: Date;

  /** The last in-process reveal, written in batches (see LastUsedRecorder); null when never used. */
  @Column({ type: Date, nullable: true })
  lastUsedAt?: Date | null;

  /** Bumped on every write, so that concurrent merges on several replicas cannot lose an update. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}
