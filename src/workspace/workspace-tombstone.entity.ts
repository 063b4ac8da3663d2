import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A deleted workspace: its id can never hold credentials or data keys again. */
@Entity({ name: 'vault_workspace_tombstone' })
export class WorkspaceTombstoneEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  workspaceId!: string;

  @Column({ type: Date })
  deletedAt!: Date;
}
