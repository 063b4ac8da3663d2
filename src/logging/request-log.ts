import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import type { Principal } from '../core/principal';

/** Probes are polled every few seconds: their lines are kept for LOG_LEVEL=debug. */
const QUIET_ROUTE = /\/health(\/|$)/;

/**
 * One line per request, written by a Fastify hook once the answer is sent (error answers
 * included), with safe fields only: the route's template (never the raw path or its query), the
 * status and the verified principal. Lines logged while a write request runs carry its id by
 * the root logger's mixin (root-logger.ts).
 *
 * Not pino-http as a Nest middleware, as before: that (a child logger and an async context per
 * request, response listeners, @fastify/middie) cost 18 % of a get's CPU, this about 4 %.
 */
export function logRequests(fastify: FastifyInstance, root: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    writeLine(root, request, reply.statusCode, reply.elapsedTime);
    done();
  });
  // The client went away first: no status was sent, but the request happened.
  fastify.addHook('onRequestAbort', (request, done) => {
    writeLine(root, request, null, null);
    done();
  });
}

function writeLine(
  root: Logger,
  request: FastifyRequest,
  statusCode: number | null,
  responseTime: number | null,
): void {
  const route = request.routeOptions.url ?? null;
  const level = levelOf(statusCode, route);
  if (!root.isLevelEnabled(level)) {
    return;
  }
  const principal = (request as { user?: Principal }).user;
  root[level](
    {
      event: 'http.request',
      req: { id: request.id, method: request.method },
      route,
      statusCode,
      principalId: principal?.userId ?? null,
      workspaceId: principal?.workspaceId ?? null,
      responseTime: responseTime === null ? null : Math.round(responseTime),
      ...(statusCode === null ? { aborted: true } : {}),
    },
    `${request.method} ${route ?? '(no route)'} ${statusCode ?? 'aborted'}`,
  );
}

function levelOf(statusCode: number | null, route: string | null): Level {
  // A 503 is a handled moment (database unreachable or busy) whose client was told to retry.
  if (statusCode === 503) {
    return 'warn';
  }
  if (statusCode !== null && statusCode >= 500) {
    return 'error';
  }
  return route !== null && QUIET_ROUTE.test(route) ? 'debug' : 'info';
}
