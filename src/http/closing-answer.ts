import type { FastifyInstance } from 'fastify';

/** A client refused during the shutdown should come back at once: another replica serves it. */
const CLOSING_RETRY_AFTER_SECONDS = 1;

/**
 * Requests that still arrive once the server is closing (on a keep-alive connection, from a
 * client that ignores readiness) get our 503: the `{statusCode, message, error}` shape,
 * `Retry-After` and `Connection: close`, instead of Fastify's own bare one. The adapter is
 * created with `return503OnClosing: false`, so this hook is the only answer then.
 */
export function answerWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply
      .code(503)
      .header('Retry-After', String(CLOSING_RETRY_AFTER_SECONDS))
      .header('Connection', 'close')
      .type('application/json; charset=utf-8')
      .send({
        statusCode: 503,
        message: 'This server is shutting down; retry (another replica will answer)',
        error: 'Service Unavailable',
      });
  });
}
