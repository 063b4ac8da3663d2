import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../core/workspace-lifecycle';
import { KeyCustody } from './key-custody';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';

/**
 * Crypto-shredding on workspace deletion: the workspace's wrapped data keys go with its rows, so
 * its ciphertexts (and every backup of them) can never be decrypted again, and this process
 * forgets the unwrapped copies it held.
 */
@Injectable()
export class WorkspaceDataKeysRemoval implements WorkspaceParticipant, OnModuleInit {
  constructor(
    private readonly lifecycle: WorkspaceLifecycle,
    private readonly custody: KeyCustody,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.delete(WorkspaceDataKeyEntity, { workspaceId });
  }

  workspaceRemoved(workspaceId: string): void {
    this.custody.forgetWorkspace(workspaceId);
  }
}
