import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A module that owns rows of a workspace, or caches something about one. */
export interface WorkspaceRemovalParticipant {
  /** Deletes this module's rows of the workspace inside the caller's transaction. */
  removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void>;
  /** After the deletion committed: drops what this process holds about the workspace. */
  workspaceRemoved?(workspaceId: string): void;
}

/**
 * Deleting a workspace is an orchestration: each module that owns rows of it registers here, so
 * the workspace module deletes everything in one transaction without knowing the other tables.
 */
@Injectable()
export class WorkspaceRemoval {
  private readonly participants: WorkspaceRemovalParticipant[] = [];

  register(participant: WorkspaceRemovalParticipant): void {
    this.participants.push(participant);
  }

  /** Runs every participant in `manager`'s transaction; the caller deletes its own rows last. */
  async removeRows(workspaceId: string, manager: EntityManager): Promise<void> {
    for (const participant of this.participants) {
      await participant.removeWorkspaceRows(workspaceId, manager);
    }
  }

  /** Call once the transaction committed. */
  removed(workspaceId: string): void {
    for (const participant of this.participants) {
      participant.workspaceRemoved?.(workspaceId);
    }
  }
}
