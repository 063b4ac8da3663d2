import { AuditContext } from '../core/audit-context';
import { AuditActor, AuditEventInput } from '../core/audit-recorder';
import type { ApiKeyEntity } from './api-key.entity';

/** An event about one API key: its id and name, never the key or its hash. */
export function apiKeyEvent(
  action: string,
  row: Pick<ApiKeyEntity, 'id' | 'name' | 'workspaceId'>,
  details?: AuditEventInput['details'],
  actor: AuditActor = AuditContext.actor(),
): AuditEventInput {
  return {
    action,
    workspaceId: row.workspaceId,
    actor,
    target: { type: 'apiKey', id: row.id, name: row.name },
    outcome: 'success',
    ...(details ? { details } : {}),
  };
}
