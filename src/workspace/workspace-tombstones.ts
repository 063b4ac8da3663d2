import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { EntityManager, Repository } from 'typeorm';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { WorkspaceTombstoneEntity } from './workspace-tombstone.entity';

/** The tombstones of deleted workspaces: written with the deletion, known to every module. */
@Injectable()
export class WorkspaceTombstones implements OnModuleInit {
  constructor(
    @InjectVaultRepository(WorkspaceTombstoneEntity)
    private readonly tombstones: Repository<WorkspaceTombstoneEntity>,
    private readonly deleted: DeletedWorkspaces,
  ) {}

  async onModuleInit(): Promise<void> {
    this.deleted.setLookup((workspaceId) => this.tombstones.existsBy({ workspaceId }));
    for (const { workspaceId } of await this.tombstones.find({ select: ['workspaceId'] })) {
      this.deleted.markDeleted(workspaceId);
    }
  }

  /** Inside the deletion's transaction, so a workspace is deleted and tombstoned, or neither. */
  async bury(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.insert(WorkspaceTombstoneEntity, { workspaceId, deletedAt: new Date() });
  }

  /** Once the deletion committed. */
  buried(workspaceId: string): void {
    this.deleted.markDeleted(workspaceId);
  }
}
