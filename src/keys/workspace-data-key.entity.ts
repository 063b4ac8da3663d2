import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One version of a workspace's data key, wrapped by a master key. Credential envelopes name the
 * version; deleting a workspace's rows here makes its ciphertexts unreadable for good.
 */
@Entity({ name: 'vault_workspace_data_key' })
@Index('IDX_workspace_data_key_master', ['masterKeyId'])
export class WorkspaceDataKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  workspaceId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** The master key that wraps this data key. */
  @Column({ type: 'varchar', length: 100 })
  masterKeyId!: string;

  /** The data key as the master key provider wrapped it; never the key in clear. */
  @Column({ type: 'text' })
  wrappedKey!: string;

  @CreateDateColumn()
  createdAt!: Date;
}
