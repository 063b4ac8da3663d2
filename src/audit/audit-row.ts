import { randomUUID } from 'node:crypto';
import { AuditContext } from '../core/audit-context';
import { AuditEventInput } from '../core/audit-recorder';
import { AuditEventEntity } from './audit-event.entity';

/** The event's row before it is linked (`seq`, `mac`): fields clipped to their columns. */
export function toRow(
  input: AuditEventInput,
  prevMac: string,
): Omit<AuditEventEntity, 'seq' | 'mac'> {
  const context = AuditContext.current();
  return {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    workspaceId: input.workspaceId,
    action: input.action,
    actorType: input.actor.type,
    actorId: clip(input.actor.id, 255),
    targetType: clip(input.target?.type, 64),
    targetId: clip(input.target?.id, 255),
    targetName: clip(input.target?.name, 255),
    targetCredentialName: clip(input.target?.credentialName, 100),
    outcome: input.outcome,
    details: input.details ? JSON.stringify(input.details) : null,
    requestId: clip(input.requestId ?? context?.requestId, 128),
    sourceAddress: clip(input.sourceAddress ?? context?.sourceAddress, 64),
    userAgent: clip(input.userAgent ?? context?.userAgent, 512),
    prevMac,
  };
}

function clip(value: string | null | undefined, length: number): string | null {
  return value === undefined || value === null ? null : value.slice(0, length);
}
