import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../core/permissions';

@Entity({ name: 'vault_workspace_member' })
@Index('IDX_workspace_member_user', ['userId'])
export class WorkspaceMemberEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  workspaceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: Role;

  @CreateDateColumn()
  createdAt!: Date;
}
