import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, Subscription } from 'rxjs';
import { AuditContext, AuditRequestContext, SYSTEM_ACTOR } from '../core/audit-context';
import { AuditActor } from '../core/audit-recorder';
import { Principal } from '../core/principal';

/** What Express's and Fastify's requests both carry (Fastify adds `id`). */
interface AuditedRequest {
  readonly method?: string;
  readonly id?: unknown;
  readonly ip?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly user?: Principal;
}

/** Requests that record no audit event: they run outside any AuditContext (see below). */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs the handler inside an AuditContext naming the verified caller, the request id, the source
 * address and the user agent, so services record events without passing the request around.
 * Put on the vault's own write routes (after their guards; `@AuditWrites()` does it for a
 * controller), never globally.
 *
 * Reads record no event and get no context: an open context switches on async hooks that cost
 * every promise of the process (see ScopedAsyncContext), 16 % of a read's CPU. A read that one
 * day records an event must be given a context here; the audit trail's e2e tests check the
 * actor and request id of every kind of event.
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return handleInAuditContext(context, next);
  }
}

/** The handler's answer, run inside an AuditContext for a write (see AuditContextInterceptor). */
export function handleInAuditContext(
  context: ExecutionContext,
  next: CallHandler,
): Observable<unknown> {
  const request = context.switchToHttp().getRequest<AuditedRequest>();
  if (READS.has(request.method ?? '')) {
    return next.handle();
  }
  const audit = auditContextOf(request);
  return new Observable((subscriber) => {
    let subscription: Subscription | undefined;
    let finished: (() => void) | undefined;
    // The context lasts until the handler's answer completes, fails or is unsubscribed.
    void AuditContext.run(audit, () => {
      subscription = next.handle().subscribe(subscriber);
      return new Promise<void>((resolve) => (finished = resolve));
    });
    return () => {
      subscription?.unsubscribe();
      finished?.();
    };
  });
}

export function auditContextOf(request: AuditedRequest): AuditRequestContext {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    actor: request.user ? actorOf(request.user) : SYSTEM_ACTOR,
    requestId: typeof request.id === 'string' ? request.id : header('x-request-id'),
    sourceAddress: request.ip,
    userAgent: header('user-agent'),
  };
}

const API_KEY_PREFIX = 'api-key:';

/** The principal as an audit actor: an API key by its id, an IdP or host subject as external. */
export function actorOf(principal: Principal): AuditActor {
  if (principal.via === 'api-key') {
    const id = principal.userId.startsWith(API_KEY_PREFIX)
      ? principal.userId.slice(API_KEY_PREFIX.length)
      : principal.userId;
    return { type: 'apiKey', id };
  }
  return { type: principal.via === 'token' ? 'user' : 'external', id: principal.userId };
}
