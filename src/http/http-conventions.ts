import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { registerConditionalGet } from './conditional-get';
import { RouteTable } from './route-table';

/** Route config (Nest's `@RouteConfig`) of an operation that also takes a form body. */
export interface FormBodyRouteConfig {
  acceptsFormBody?: boolean;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const ID_FIRST = '{"id":"';

/**
 * What a client expects of every response of the standalone server: `X-Request-Id`,
 * `Cache-Control: no-store` on the API (tokens, keys and credentials are sensitive),
 * `WWW-Authenticate` on a 401 (RFC 6750), `Location` on a 201, 405 with `Allow` for a known
 * path asked with another method, and 415 for a body that is not JSON. Call before routes are
 * registered (they are recorded for the 405).
 */
export function registerHttpConventions(fastify: FastifyInstance, apiPrefix: string): void {
  const routes = new RouteTable();
  fastify.addHook('onRoute', (route) => routes.add(route.url, route.method));
  fastify.addHook('onRequest', (request, reply, done) => {
    const allowed = request.is404 ? routes.methodsFor(pathOf(request.url)) : [];
    if (allowed.length === 0) {
      done();
      return;
    }
    void reply
      .code(405)
      .header('Allow', allowed.join(', '))
      .send(errorBody(405, `This path takes ${allowed.join(', ')}`));
  });
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (hasBody(request) && !acceptsMediaType(request)) {
      void reply.code(415).send(errorBody(415, 'Send the body as application/json'));
      return;
    }
    done(null, payload);
  });
  registerConditionalGet(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    setResponseHeaders(request, reply, payload, `/${apiPrefix}/`);
    done(null, payload);
  });
}

function setResponseHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  apiPath: string,
): void {
  void reply.header('X-Request-Id', request.id);
  if (request.url.startsWith(apiPath) && !reply.hasHeader('cache-control')) {
    void reply.header('Cache-Control', 'no-store');
  }
  if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) {
    const challenge = 'Bearer realm="credential-vault"';
    void reply.header(
      'WWW-Authenticate',
      request.headers.authorization ? `${challenge}, error="invalid_token"` : challenge,
    );
  }
  if (reply.statusCode === 201 && !reply.hasHeader('location')) {
    const id = createdId(payload);
    if (id !== undefined) {
      void reply.header('Location', `${pathOf(request.url)}/${encodeURIComponent(id)}`);
    }
  }
}

/** The `id` (or a member's `userId`) of a created resource's JSON body. */
function createdId(payload: unknown): string | undefined {
  if (typeof payload !== 'string') {
    return undefined;
  }
  // A body that starts with a plain `id` (every create of ours) needs no second JSON parse.
  if (payload.startsWith(ID_FIRST)) {
    const end = payload.indexOf('"', ID_FIRST.length);
    const id = payload.slice(ID_FIRST.length, end);
    if (end > ID_FIRST.length && !id.includes('\\')) {
      return id;
    }
  }
  try {
    const body = JSON.parse(payload) as { id?: unknown; userId?: unknown };
    const id = body.id ?? body.userId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}

function acceptsMediaType(request: FastifyRequest): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === JSON_TYPE) {
    return true;
  }
  const config = request.routeOptions.config as FormBodyRouteConfig | undefined;
  return type === FORM_TYPE && config?.acceptsFormBody === true;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function errorBody(statusCode: number, message: string) {
  return { statusCode, message, error: STATUS_CODES[statusCode] ?? 'Error' };
}
