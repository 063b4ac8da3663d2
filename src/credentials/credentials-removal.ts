import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../core/workspace-lifecycle';
import { CredentialEntity } from './credential.entity';

/** A deleted workspace's credentials go in the same transaction as the workspace. */
@Injectable()
export class CredentialsRemoval implements WorkspaceParticipant, OnModuleInit {
  constructor(private readonly lifecycle: WorkspaceLifecycle) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.delete(CredentialEntity, { workspaceId });
  }
}
