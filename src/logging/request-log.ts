import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';
import type { Principal } from '../core/principal';

/** What the request line says beyond method, status and time; none of it is secret. */
interface RequestLogFields {
  /** The route's template (`/api/v1/credentials/:id`), never the raw path or its query. */
  readonly route: string | null;
  readonly principalId?: string;
  readonly workspaceId?: string;
}

/** Filled by Fastify just before the answer is sent, read by pino-http once it is. */
const fieldsOf = new WeakMap<IncomingMessage, RequestLogFields>();

/** Probes are polled every few seconds: their lines are kept for LOG_LEVEL=debug. */
const QUIET_ROUTE = /\/health(\/|$)/;

/**
 * Records, per request, the fields the request line needs and only Fastify and the guards know:
 * the matched route and the verified principal. The hook runs on every answer, error ones
 * included, before the response is written.
 */
export function recordRequestLogFields(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    const principal = (request as { user?: Principal }).user;
    fieldsOf.set(request.raw, {
      route: request.routeOptions.url ?? null,
      ...(principal ? { principalId: principal.userId, workspaceId: principal.workspaceId } : {}),
    });
    done(null, payload);
  });
}

/** pino-http's options: one line per request, with safe fields only. */
export function requestLogOptions(root: Logger): Options {
  const lineFields = (req: IncomingMessage, res: ServerResponse, base: object): object => {
    const fields = fieldsOf.get(req) ?? { route: null };
    return {
      event: 'http.request',
      ...base,
      route: fields.route,
      statusCode: res.statusCode,
      principalId: fields.principalId ?? null,
      workspaceId: fields.workspaceId ?? null,
    };
  };
  return {
    logger: root,
    // Fastify already chose the id (X-Request-Id when acceptable, see http/request-id.ts).
    genReqId: (req) => req.id,
    serializers: {
      req: (req: { id: unknown; method: unknown }) => ({ id: req.id, method: req.method }),
      res: () => undefined,
    },
    customLogLevel: (req, res, error) => {
      // A 503 is a handled moment (database unreachable or busy) whose client was told to retry.
      if (res.statusCode === 503) {
        return 'warn';
      }
      if (error !== undefined || res.statusCode >= 500) {
        return 'error';
      }
      return QUIET_ROUTE.test(fieldsOf.get(req)?.route ?? '') ? 'debug' : 'info';
    },
    customSuccessObject: lineFields,
    customErrorObject: (req, res, _error, base: object) => lineFields(req, res, base),
    customSuccessMessage: (req, res) => messageOf(req, res),
    customErrorMessage: (req, res) => messageOf(req, res),
  };
}

function messageOf(req: IncomingMessage, res: ServerResponse): string {
  return `${req.method} ${fieldsOf.get(req)?.route ?? '(no route)'} ${res.statusCode}`;
}
