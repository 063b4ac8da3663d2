import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One refresh token of a session. Rotation adds a row to the same family; presenting a rotated
 * token again revokes the whole family (it was stolen or replayed).
 */
@Entity({ name: 'vault_refresh_token' })
@Index('IDX_refresh_token_family', ['familyId'])
@Index('IDX_refresh_token_user', ['userId'])
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  familyId!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 36 })
  workspaceId!: string;

  /** SHA-256 of the token (hex); the token itself is never stored. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ type: Date })
  expiresAt!: Date;

  @Column({ type: Date, nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: Date, nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;
}
