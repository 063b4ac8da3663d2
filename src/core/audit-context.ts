import type { AuditActor } from './audit-recorder';
import { ScopedAsyncContext } from './scoped-async-context';

/** What the audit trail records about the caller of the work now running. */
export interface AuditRequestContext {
  readonly actor: AuditActor;
  readonly requestId?: string;
  readonly sourceAddress?: string;
  readonly userAgent?: string;
}

const storage = new ScopedAsyncContext<AuditRequestContext>();

/**
 * The caller of the current request or command, for events recorded deep in a service that has
 * no request: the vault's controllers set it for writes (AuditContextInterceptor), the CLI sets
 * a `cli` actor, and an embedding app may wrap its own calls in `AuditContext.run`. Outside any,
 * events are recorded with the `system` actor.
 */
export const AuditContext = {
  run<T>(context: AuditRequestContext, work: () => T): T {
    return storage.run(context, work);
  },
  current(): AuditRequestContext | undefined {
    return storage.current();
  },
  /** The actor of the current context, else `system`. */
  actor(): AuditActor {
    return storage.current()?.actor ?? SYSTEM_ACTOR;
  },
};

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null };
