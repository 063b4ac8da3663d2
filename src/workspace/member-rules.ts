import { ConflictException, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { WorkspaceMemberEntity } from './workspace-member.entity';

/** The member row, or 404 (also for a malformed user id). */
export async function findMember(
  em: EntityManager,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceMemberEntity> {
  const member = isUUID(userId)
    ? await em.findOneBy(WorkspaceMemberEntity, { workspaceId, userId: userId.toLowerCase() })
    : null;
  if (!member) {
    throw new NotFoundException(
      isUUID(userId) ? `User ${userId} is not a member of this workspace` : 'Member not found',
    );
  }
  return member;
}

/** Refuses to remove or demote the workspace's last owner (409). */
export async function assertAnotherOwner(
  em: EntityManager,
  workspaceId: string,
  action: 'removed' | 'demoted',
): Promise<void> {
  const owners = await em.countBy(WorkspaceMemberEntity, { workspaceId, role: 'owner' });
  if (owners <= 1) {
    throw new ConflictException(
      `The last owner of a workspace cannot be ${action}: make another member owner first`,
    );
  }
}
