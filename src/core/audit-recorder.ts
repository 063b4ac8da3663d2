import type { EntityManager } from 'typeorm';

/** Who did it: a signed-in user, a workspace API key, an external IdP subject, the CLI, the vault. */
export type AuditActorType = 'user' | 'apiKey' | 'external' | 'cli' | 'system';
export type AuditOutcome = 'success' | 'denied' | 'error';

/** A detail's value: never a secret (no credential value, token, password or key). */
export type AuditDetailValue = string | number | boolean | string[] | null;

export interface AuditActor {
  readonly type: AuditActorType;
  readonly id: string | null;
}

export interface AuditTarget {
  readonly type: string;
  readonly id?: string;
  readonly name?: string;
  /** A credential's type (`openAIApi`), when the target is a credential. */
  readonly credentialName?: string;
}

/** One event to append to the audit trail (see README "Audit and monitoring" for the actions). */
export interface AuditEventInput {
  /** dot.case, e.g. `credential.created`, `auth.login.failed`: see AUDIT_ACTIONS. */
  readonly action: string;
  readonly workspaceId: string | null;
  readonly actor: AuditActor;
  readonly target?: AuditTarget;
  readonly outcome: AuditOutcome;
  readonly details?: Readonly<Record<string, AuditDetailValue>>;
  /** Default: the current request's (see AuditContext). */
  readonly requestId?: string;
  readonly sourceAddress?: string;
  readonly userAgent?: string;
}

/**
 * The audit trail's write port. Any module injects it (the audit module provides it globally)
 * and records an event in the same transaction as the change it describes.
 */
export abstract class AuditRecorder {
  /**
   * Appends within `manager`'s transaction when given, else in a transaction of its own.
   * Fail closed: throws (a 5xx HttpException) if it cannot write, so the caller's transaction
   * rolls back and the change does not happen.
   */
  abstract record(event: AuditEventInput, manager?: EntityManager): Promise<void>;

  /**
   * Records a refused request (outcome `denied`) in a transaction of its own, at most a bounded
   * number per source address per second (a flood cannot fill the disk); never throws.
   */
  abstract recordDenied(event: Omit<AuditEventInput, 'outcome'>): Promise<void>;

  /** Runs `work` in a transaction, then appends `event` to it (see `record`). */
  abstract transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput | undefined,
  ): Promise<T>;

  /**
   * Where the store has the one-statement audited write (see `audited-write.ts`): makes `change`
   * (the values of AUDITED_WRITE_CHANGE_COLUMNS) and appends `event`, all or nothing. False when
   * the write is to go through `transaction` instead (replicas racing for the chain). Rejects
   * with the AUDITED_WRITE_REFUSALS.unchanged refusal when a replace or remove found no row at
   * its version, and with the change's own error (a duplicate id) as it came. Absent (a host's
   * own recorder): use `transaction`.
   */
  appendWithChange?: (event: AuditEventInput, change: readonly unknown[]) => Promise<boolean>;
}
