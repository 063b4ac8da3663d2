import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { InvalidationBus, InvalidationEvent } from '../core/invalidation-bus';
import type { Role } from '../core/permissions';
import { WorkspaceLifecycle } from '../core/workspace-lifecycle';

/**
 * Tells every replica about membership changes (their access tokens are narrowed or refused)
 * and workspace deletions, and applies the deletions other replicas announce: the id is
 * tombstoned here too and every module drops what it holds (API keys, data keys).
 */
@Injectable()
export class WorkspaceInvalidations implements OnModuleInit {
  constructor(
    private readonly bus: InvalidationBus,
    private readonly deleted: DeletedWorkspaces,
    private readonly lifecycle: WorkspaceLifecycle,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe({ onInvalidation: (event) => this.apply(event) });
  }

  /** `null`: no longer a member. */
  memberChanged(workspaceId: string, userId: string, role: Role | null): Promise<void> {
    return this.bus.publish({
      type: 'membership-changed',
      workspaceId,
      userId: userId.toLowerCase(),
      role,
    });
  }

  workspaceDeleted(workspaceId: string): Promise<void> {
    return this.bus.publish({ type: 'workspace-deleted', workspaceId });
  }

  private apply(event: InvalidationEvent): void {
    if (event.type === 'workspace-deleted' && !this.deleted.isKnownDeleted(event.workspaceId)) {
      this.deleted.markDeleted(event.workspaceId);
      this.lifecycle.removed(event.workspaceId);
    }
  }
}
