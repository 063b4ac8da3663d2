import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A module that owns rows of a workspace, or caches something about one. */
export interface WorkspaceParticipant {
  /** Deletes this module's rows of the workspace inside the caller's transaction. */
  removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void>;
  /** A member left the workspace: ends what this module holds for them, in the transaction. */
  memberRemoved?(workspaceId: string, userId: string, manager: EntityManager): Promise<void>;
  /** After the deletion committed: drops what this process holds about the workspace. */
  workspaceRemoved?(workspaceId: string): void;
}

/**
 * Deleting a workspace or removing a member is an orchestration: each module that owns rows of a
 * workspace registers here, so the workspace module changes everything in one transaction
 * without knowing the other modules' tables.
 */
@Injectable()
export class WorkspaceLifecycle {
  private readonly participants: WorkspaceParticipant[] = [];

  register(participant: WorkspaceParticipant): void {
    this.participants.push(participant);
  }

  /** Runs every participant in `manager`'s transaction; the caller deletes its own rows last. */
  async removeRows(workspaceId: string, manager: EntityManager): Promise<void> {
    for (const participant of this.participants) {
      await participant.removeWorkspaceRows(workspaceId, manager);
    }
  }

  async memberRemoved(workspaceId: string, userId: string, manager: EntityManager): Promise<void> {
    for (const participant of this.participants) {
      await participant.memberRemoved?.(workspaceId, userId, manager);
    }
  }

  /** Call once the deletion committed. */
  removed(workspaceId: string): void {
    for (const participant of this.participants) {
      participant.workspaceRemoved?.(workspaceId);
    }
  }
}
