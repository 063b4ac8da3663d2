import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditContext } from '../core/audit-context';
import type { EntityManager } from 'typeorm';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';

/** One `credentials.exported` per workspace, in the caller's transaction. */
export async function recordExported(
  audit: AuditRecorder,
  manager: EntityManager,
  exported: readonly { workspaceId: string }[],
  wholeVault: boolean,
): Promise<void> {
  for (const [workspaceId, count] of countByWorkspace(exported)) {
    await audit.record(
      transferEvent(AUDIT_ACTIONS.credentialsExported, workspaceId, {
        credentials: count,
        scope: wholeVault ? 'vault' : 'workspace',
      }),
      manager,
    );
  }
}

/** One `credentials.imported` per workspace written to, in the import's transaction. */
export async function recordImported(
  audit: AuditRecorder,
  manager: EntityManager,
  written: readonly { id: string; workspaceId: string }[],
  existing: ReadonlyMap<string, unknown>,
): Promise<void> {
  for (const [workspaceId, count] of countByWorkspace(written)) {
    const overwritten = written.filter(
      (row) => row.workspaceId === workspaceId && existing.has(row.id),
    ).length;
    await audit.record(
      transferEvent(AUDIT_ACTIONS.credentialsImported, workspaceId, {
        created: count - overwritten,
        overwritten,
      }),
      manager,
    );
  }
}

/** How many credentials of each workspace a bulk operation touched. */
function countByWorkspace(rows: readonly { workspaceId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    counts.set(row.workspaceId, (counts.get(row.workspaceId) ?? 0) + 1);
  }
  return counts;
}

/** `credentials.exported` or `.imported`: an event about a workspace's credentials moved in bulk. */
function transferEvent(
  action: typeof AUDIT_ACTIONS.credentialsExported | typeof AUDIT_ACTIONS.credentialsImported,
  workspaceId: string,
  details: NonNullable<AuditEventInput['details']>,
): AuditEventInput {
  return {
    action,
    workspaceId,
    actor: AuditContext.actor(),
    target: { type: 'workspace', id: workspaceId },
    outcome: 'success',
    details,
  };
}
