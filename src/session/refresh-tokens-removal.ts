import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../core/workspace-lifecycle';
import { RefreshTokenEntity } from './refresh-token.entity';

/**
 * Sessions end with their workspace (rows deleted) or with their membership (revoked, so a
 * reuse is still recognised); access tokens lapse at expiry.
 */
@Injectable()
export class RefreshTokensRemoval implements WorkspaceParticipant, OnModuleInit {
  constructor(private readonly lifecycle: WorkspaceLifecycle) {}

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.delete(RefreshTokenEntity, { workspaceId });
  }

  async memberRemoved(workspaceId: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.update(RefreshTokenEntity, { workspaceId, userId }, { revokedAt: new Date() });
  }
}
