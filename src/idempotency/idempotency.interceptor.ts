import {
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpException,
  Injectable,
  Logger,
  NestInterceptor,
  Type,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { catchError, concatMap, from, Observable, of, throwError } from 'rxjs';
import { Principal } from '../core/principal';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, requestFingerprint } from './idempotency-key';
import { derivedIdOf, IDEMPOTENCY_RECOVERY, IdempotencyRecovery } from './idempotency-recovery';
import { IdempotencyScope, IdempotencyService, StoredResponse } from './idempotency.service';

/** The header a replayed answer carries, so a client can tell it from a first one. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Seconds a client should wait before retrying a key whose first request is still running. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;
/** Response headers a replay repeats (`Location` is derived from the body again). */
const REPLAYED_HEADERS = ['etag'];
/**
 * Errors that are this request's final answer, kept like a success. Any other failure (409, 412,
 * 429, 5xx, a thrown fault) is released, so a retry with the same key runs again.
 */
const FINAL_ERRORS = new Set([400, 404, 410]);

interface KeyedRequest {
  method: string;
  url: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

interface ReplyHeaders {
  statusCode: number;
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

/**
 * `Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field") on a guarded route:
 * the first answer is kept per workspace and key; a retry with the same body gets it again, a
 * reuse with another body 422, a retry while the first still runs 409 with `Retry-After`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const reply = context.switchToHttp().getResponse<ReplyHeaders>();
    const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) {
      return next.handle();
    }
    if (request.user === undefined) {
      throw new Error('Idempotency-Key handled on a route without JwtAuthGuard');
    }
    const scope = { workspaceId: request.user.workspaceId, key };
    const fingerprint = requestFingerprint(this.idempotency.fingerprintKey, {
      method: request.method,
      path: request.url.split('?')[0],
      body: request.body,
    });
    const recovery = this.recoveryOf(context);
    // After the fingerprint: a retry's body is compared as the client sent it.
    const derivedId = derivedIdOf(
      this.idempotency.fingerprintKey,
      scope.workspaceId,
      key,
      fingerprint,
    );
    const recoverable = recovery?.prepare(request, derivedId) === true;
    return from(this.idempotency.claim(scope, fingerprint)).pipe(
      concatMap((claim) => {
        switch (claim.outcome) {
          case 'proceed':
            return this.run(scope, claim.claimId, reply, next, (error) =>
              recoverable && error instanceof ConflictException
                ? recovery.recover(scope.workspaceId, derivedId)
                : Promise.resolve(undefined),
            );
          case 'replay':
            return replay(claim.response, reply);
          case 'mismatch':
            throw new UnprocessableEntityException(
              'This Idempotency-Key was used with another request; send a new key',
            );
          case 'in-progress':
            reply.header('Retry-After', String(IN_PROGRESS_RETRY_AFTER_SECONDS));
            throw new ConflictException(
              'A request with this Idempotency-Key is still in progress; retry later',
            );
        }
      }),
    );
  }

  private recoveryOf(context: ExecutionContext): IdempotencyRecovery | undefined {
    const type = this.reflector.get<Type<IdempotencyRecovery> | undefined>(
      IDEMPOTENCY_RECOVERY,
      context.getHandler(),
    );
    return type === undefined ? undefined : this.moduleRef.get(type, { strict: false });
  }

  private run(
    scope: IdempotencyScope,
    claimId: string,
    reply: ReplyHeaders,
    next: CallHandler,
    recover: (error: unknown) => Promise<StoredResponse | undefined>,
  ): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(recover(error)).pipe(
          concatMap((recovered) => {
            if (recovered === undefined) {
              return from(this.settleFailure(scope, claimId, error)).pipe(
                concatMap(() => throwError(() => error)),
              );
            }
            // An earlier attempt with this key wrote, then died before its answer was kept.
            return from(this.idempotency.complete(scope, claimId, recovered)).pipe(
              concatMap(() => replay(recovered, reply)),
            );
          }),
        ),
      ),
      concatMap(async (body: unknown) => {
        const headers = Object.fromEntries(
          REPLAYED_HEADERS.flatMap((name) => {
            const value = reply.getHeader(name);
            return typeof value === 'string' ? [[name, value]] : [];
          }),
        );
        // The write is done: a failure to keep its answer must not turn it into an error. The
        // claim then stays in progress until it counts as abandoned.
        await this.idempotency
          .complete(scope, claimId, { status: reply.statusCode, body, headers })
          .catch((error: unknown) =>
            this.logger.warn(
              `Could not keep the answer for an Idempotency-Key of workspace ${scope.workspaceId}: ${(error as Error).name}`,
            ),
          );
        return body;
      }),
    );
  }

  /** Keeps a final error, releases the claim otherwise; never hides the request's own error. */
  private async settleFailure(scope: IdempotencyScope, claimId: string, error: unknown) {
    try {
      if (error instanceof HttpException && FINAL_ERRORS.has(error.getStatus())) {
        const response = error.getResponse();
        await this.idempotency.complete(scope, claimId, {
          status: error.getStatus(),
          body: typeof response === 'string' ? { message: response } : response,
          headers: {},
        });
      } else {
        await this.idempotency.release(scope, claimId);
      }
    } catch (settleError) {
      this.logger.warn(
        `Could not settle an Idempotency-Key of workspace ${scope.workspaceId}: ${(settleError as Error).name}`,
      );
    }
  }
}

function replay(response: StoredResponse, reply: ReplyHeaders): Observable<unknown> {
  reply.header(REPLAYED_HEADER, 'true');
  for (const [name, value] of Object.entries(response.headers)) {
    reply.header(name, value);
  }
  if (response.status >= 400) {
    return throwError(() => new HttpException(response.body as object, response.status));
  }
  return of(response.body);
}
