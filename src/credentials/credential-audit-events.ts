import { AuditContext } from '../core/audit-context';
import { AuditEventInput } from '../core/audit-recorder';
import type { PlainData } from '../core/plain-data';
import { CredentialEntity } from './credential.entity';

/** An event about one credential, by the caller of the current request (or `system`). */
export function credentialEvent(
  action: string,
  row: CredentialEntity,
  details?: AuditEventInput['details'],
): AuditEventInput {
  return {
    action,
    workspaceId: row.workspaceId,
    actor: AuditContext.actor(),
    target: {
      type: 'credential',
      id: row.id,
      name: row.name,
      credentialName: row.credentialName,
    },
    outcome: 'success',
    ...(details ? { details } : {}),
  };
}

/** The names (never the values) of the fields added, removed or changed. */
export function keysThatDiffer(before: PlainData, after: PlainData): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => before[key] !== after[key]).sort();
}
