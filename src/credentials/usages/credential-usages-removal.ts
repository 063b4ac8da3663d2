import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../../core/workspace-lifecycle';
import { CredentialUsageEntity } from './credential-usage.entity';

/** A deleted workspace's usages go in the same transaction as its credentials. */
@Injectable()
export class CredentialUsagesRemoval implements WorkspaceParticipant, OnModuleInit {
  constructor(private readonly lifecycle: WorkspaceLifecycle) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.delete(CredentialUsageEntity, { workspaceId });
  }
}
