import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { WorkspaceTombstoneEntity } from './workspace-tombstone.entity';

/** The tombstones of deleted workspaces: written with the deletion, known to every module. */
@Injectable()
export class WorkspaceTombstones implements OnModuleInit {
  constructor(
    @InjectRepository(WorkspaceTombstoneEntity)
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
