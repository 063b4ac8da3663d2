import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { Permission, Role, ROLE_PERMISSIONS } from '../core/permissions';
import { WorkspaceLifecycle } from '../core/workspace-lifecycle';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditRecorder } from '../core/audit-recorder';
import { assertAnotherOwner, findMember } from './member-rules';
import { auditedIn, memberEvent, workspaceEvent } from './workspace-audit-events';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { WorkspaceInvalidations } from './workspace-invalidations';
import { WorkspaceMemberEntity } from './workspace-member.entity';
import { WorkspaceTombstones } from './workspace-tombstones';
import { WorkspaceEntity } from './workspace.entity';

export interface Membership {
  workspace: WorkspaceEntity;
  role: Role;
}

export interface Member {
  user: UserEntity;
  role: Role;
  createdAt: Date;
}

/**
 * Workspaces and who belongs to them. Management calls check the caller's role in the database
 * (a role change applies at once there); the credentials API trusts the token instead.
 */
@Injectable()
export class WorkspaceService {
  constructor(
    @InjectVaultRepository(WorkspaceEntity)
    private readonly workspaces: Repository<WorkspaceEntity>,
    @InjectVaultRepository(WorkspaceMemberEntity)
    private readonly members: Repository<WorkspaceMemberEntity>,
    private readonly users: UsersService,
    private readonly lifecycle: WorkspaceLifecycle,
    private readonly tombstones: WorkspaceTombstones,
    private readonly invalidations: WorkspaceInvalidations,
    private readonly audit: AuditRecorder,
  ) {}

  /** A new workspace with `ownerId` as its owner; pass a manager to join a transaction. */
  async create(
    name: string,
    ownerId: string,
    manager: EntityManager = this.workspaces.manager,
  ): Promise<WorkspaceEntity> {
    const now = new Date();
    const workspace: WorkspaceEntity = { id: randomUUID(), name, createdAt: now, updatedAt: now };
    const insert = async (em: EntityManager) => {
      await em.insert(WorkspaceEntity, workspace);
      await em.insert(WorkspaceMemberEntity, {
        workspaceId: workspace.id,
        userId: ownerId,
        role: 'owner',
        createdAt: now,
      });
    };
    await auditedIn(this.audit, manager, insert, () =>
      workspaceEvent(AUDIT_ACTIONS.workspaceCreated, workspace),
    );
    return workspace;
  }

  findByName(name: string): Promise<WorkspaceEntity[]> {
    return this.workspaces.findBy({ name });
  }

  /** The user's workspaces with their role, oldest membership first. */
  async listForUser(userId: string): Promise<Membership[]> {
    const rows = await this.members.find({
      where: { userId },
      order: { createdAt: 'ASC', workspaceId: 'ASC' },
    });
    if (rows.length === 0) {
      return []; // findBy([]) would mean no condition at all: every workspace
    }
    const workspaces = await this.workspaces.findBy({ id: In(rows.map((row) => row.workspaceId)) });
    const byId = new Map(workspaces.map((workspace) => [workspace.id, workspace]));
    return rows.flatMap((row) => {
      const workspace = byId.get(row.workspaceId);
      return workspace ? [{ workspace, role: row.role }] : [];
    });
  }

  /** The user's membership of the workspace, or null (also for a malformed id). */
  async membership(userId: string, workspaceId: string): Promise<Membership | null> {
    if (!isUUID(workspaceId)) {
      return null;
    }
    const row = await this.members.findOneBy({ userId, workspaceId: workspaceId.toLowerCase() });
    const workspace = row ? await this.workspaces.findOneBy({ id: row.workspaceId }) : null;
    return row && workspace ? { workspace, role: row.role } : null;
  }

  /**
   * The caller's membership when their role grants `permission`. A workspace they do not belong
   * to is a 404, exactly like one that does not exist.
   */
  async authorize(
    userId: string,
    workspaceId: string,
    permission: Permission,
  ): Promise<Membership> {
    const membership = await this.membership(userId, workspaceId);
    if (!membership) {
      throw workspaceNotFound(workspaceId);
    }
    if (!ROLE_PERMISSIONS[membership.role].includes(permission)) {
      throw new ForbiddenException(`Missing permission ${permission}`);
    }
    return membership;
  }

  async rename(workspaceId: string, name: string): Promise<WorkspaceEntity> {
    await this.workspaces.update({ id: workspaceId }, { name, updatedAt: new Date() });
    return this.workspaces.findOneByOrFail({ id: workspaceId });
  }

  /**
   * Deletes the workspace with its credentials, members, API keys and sessions, atomically, and
   * destroys its data keys (crypto-shredding: a backup of its rows can no longer be decrypted).
   * Each module deletes its own rows (`WorkspaceLifecycle`); a tombstone keeps the id from ever
   * being used again, and every cache forgets it.
   */
  async remove(workspaceId: string): Promise<void> {
    const workspace = await this.workspaces.findOneBy({ id: workspaceId });
    if (!workspace) {
      throw workspaceNotFound(workspaceId);
    }
    await this.audit.transaction(
      async (em) => {
        await this.lifecycle.removeRows(workspaceId, em);
        await em.delete(WorkspaceMemberEntity, { workspaceId });
        await em.delete(WorkspaceEntity, { id: workspaceId });
        await this.tombstones.bury(workspaceId, em);
      },
      () => workspaceEvent(AUDIT_ACTIONS.workspaceDeleted, workspace),
    );
    this.tombstones.buried(workspaceId);
    this.lifecycle.removed(workspaceId);
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const rows = await this.members.find({
      where: { workspaceId },
      order: { createdAt: 'ASC', userId: 'ASC' },
    });
    if (rows.length === 0) {
      return [];
    }
    const users = await this.users.findByIds(rows.map((row) => row.userId));
    const byId = new Map(users.map((user) => [user.id, user]));
    return rows.flatMap((row) => {
      const user = byId.get(row.userId);
      return user ? [{ user, role: row.role, createdAt: row.createdAt }] : [];
    });
  }

  /**
   * Adds `user` to the workspace (409 when already a member) and tells every replica, once the
   * row is committed: a member removed earlier is remembered as removed for an access-token
   * lifetime, and would have their new tokens refused until then.
   *
   * With `manager` the insert joins the caller's transaction, so the caller announces the member
   * with `announceMember` after its commit (an event before it could be undone by a rollback).
   */
  async addMember(
    workspaceId: string,
    user: UserEntity,
    role: Role,
    manager?: EntityManager,
  ): Promise<Member> {
    const member = await this.insertMember(
      workspaceId,
      user,
      role,
      manager ?? this.members.manager,
    );
    if (manager === undefined) {
      await this.announceMember(workspaceId, user.id, role);
    }
    return member;
  }

  /** Tells every replica the member's role now (`null`: removed); call it after the commit. */
  announceMember(workspaceId: string, userId: string, role: Role | null): Promise<void> {
    return this.invalidations.memberChanged(workspaceId, userId, role);
  }

  private async insertMember(
    workspaceId: string,
    user: UserEntity,
    role: Role,
    manager: EntityManager,
  ): Promise<Member> {
    const createdAt = new Date();
    const conflict = () =>
      new ConflictException(`User ${user.id} is already a member of this workspace`);
    // Checked first so the usual conflict never reaches the database's error log.
    if (await manager.existsBy(WorkspaceMemberEntity, { workspaceId, userId: user.id })) {
      throw conflict();
    }
    const insert = (em: EntityManager) =>
      em.insert(WorkspaceMemberEntity, { workspaceId, userId: user.id, role, createdAt });
    try {
      await auditedIn(this.audit, manager, insert, () =>
        memberEvent(AUDIT_ACTIONS.memberAdded, workspaceId, user.id, { role }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict();
      }
      throw error;
    }
    return { user, role, createdAt };
  }

  /** Changes a member's role; the last owner cannot be demoted (409). */
  async setRole(workspaceId: string, userId: string, role: Role): Promise<Role> {
    return this.audit.transaction(
      async (em) => {
        const member = await findMember(em, workspaceId, userId);
        if (member.role === 'owner' && role !== 'owner') {
          await assertAnotherOwner(em, workspaceId, 'demoted');
        }
        await em.update(WorkspaceMemberEntity, { workspaceId, userId: member.userId }, { role });
        return member.role;
      },
      (from) =>
        memberEvent(AUDIT_ACTIONS.memberRoleChanged, workspaceId, userId.toLowerCase(), {
          from,
          to: role,
        }),
    );
  }

  /**
   * Removes a member and ends their sessions in this workspace; their access tokens lapse at
   * expiry. The last owner cannot be removed (409).
   */
  async removeMember(workspaceId: string, userId: string): Promise<void> {
    await this.audit.transaction(
      async (em) => {
        const member = await findMember(em, workspaceId, userId);
        if (member.role === 'owner') {
          await assertAnotherOwner(em, workspaceId, 'removed');
        }
        await em.delete(WorkspaceMemberEntity, { workspaceId, userId: member.userId });
        await this.lifecycle.memberRemoved(workspaceId, member.userId, em);
        return member;
      },
      (member) =>
        memberEvent(AUDIT_ACTIONS.memberRemoved, workspaceId, member.userId, {
          role: member.role,
        }),
    );
  }

  async memberRole(workspaceId: string, userId: string): Promise<Role> {
    return (await findMember(this.members.manager, workspaceId, userId)).role;
  }
}

export function workspaceNotFound(workspaceId: string): NotFoundException {
  return new NotFoundException(
    isUUID(workspaceId) ? `Workspace ${workspaceId} not found` : 'Workspace not found',
  );
}
