import { Injectable } from '@nestjs/common';
import { AuditContext } from '../core/audit-context';
import { AuditDetailValue, AuditOutcome, AuditRecorder, AuditTarget } from '../core/audit-recorder';

/** One key operation as the audit trail records it: ids and counts, never key material. */
export interface KeyOperationEvent {
  readonly action: string;
  /** The workspace whose data key it is; null for the vault's master keys and backups. */
  readonly workspaceId: string | null;
  readonly target: AuditTarget;
  readonly outcome?: AuditOutcome;
  readonly details?: Readonly<Record<string, AuditDetailValue>>;
}

/**
 * Records key operations (rotations, retirement, backups) by the current actor (`cli` in the
 * operator CLI). Fail closed: an operation whose start cannot be recorded does not start.
 */
@Injectable()
export class KeyOperationEvents {
  constructor(private readonly audit: AuditRecorder) {}

  record(event: KeyOperationEvent): Promise<void> {
    return this.audit.record({
      action: event.action,
      workspaceId: event.workspaceId,
      actor: AuditContext.actor(),
      target: event.target,
      outcome: event.outcome ?? 'success',
      ...(event.details ? { details: event.details } : {}),
    });
  }
}
