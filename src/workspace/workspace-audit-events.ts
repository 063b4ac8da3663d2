import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditContext } from '../core/audit-context';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import type { EntityManager } from 'typeorm';
import type { Role } from '../core/permissions';

/** An event about a workspace itself, by the current caller. */
export function workspaceEvent(
  action: typeof AUDIT_ACTIONS.workspaceCreated | typeof AUDIT_ACTIONS.workspaceDeleted,
  workspace: { id: string; name: string },
): AuditEventInput {
  return {
    action,
    workspaceId: workspace.id,
    actor: AuditContext.actor(),
    target: { type: 'workspace', id: workspace.id, name: workspace.name },
    outcome: 'success',
  };
}

/** An event about a member (the target is the user, by id: their email is not recorded). */
export function memberEvent(
  action:
    | typeof AUDIT_ACTIONS.memberAdded
    | typeof AUDIT_ACTIONS.memberRemoved
    | typeof AUDIT_ACTIONS.memberRoleChanged,
  workspaceId: string,
  userId: string,
  details: { role: Role } | { from: Role; to: Role },
): AuditEventInput {
  return {
    action,
    workspaceId,
    actor: AuditContext.actor(),
    target: { type: 'user', id: userId },
    outcome: 'success',
    details,
  };
}

/**
 * Runs `work` and records its event in one transaction: the caller's when `manager` is in one
 * (the CLI creates a user and their workspace together), else a new one.
 */
export async function auditedIn<T>(
  audit: AuditRecorder,
  manager: EntityManager,
  work: (em: EntityManager) => Promise<T>,
  event: (result: T) => AuditEventInput,
): Promise<T> {
  if (!manager.queryRunner?.isTransactionActive) {
    return audit.transaction(work, event);
  }
  const result = await work(manager);
  await audit.record(event(result), manager);
  return result;
}
