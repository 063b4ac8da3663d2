import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Permission } from '../core/permissions';

@Entity({ name: 'vault_api_key' })
@Index('IDX_api_key_workspace', ['workspaceId'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  workspaceId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** The first characters of the key, shown in lists so people can tell keys apart. */
  @Column({ type: 'varchar', length: 32 })
  prefix!: string;

  /** HMAC-SHA-256 of the whole key (hex): one indexed lookup per request. */
  @Column({ type: 'varchar', length: 64, unique: true })
  keyHash!: string;

  @Column({ type: 'simple-json' })
  permissions!: Permission[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn()
  createdAt!: Date;

  @Column({ type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  expiresAt!: Date | null;
}
