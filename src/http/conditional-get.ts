import type { FastifyInstance } from 'fastify';
import fresh from 'fresh';

/**
 * RFC 9110 If-None-Match for every GET whose handler set an `ETag`: while the client's tag still
 * matches, a 304 with no body instead of the 200 (what Express does for any response with an
 * ETag). Handlers only set the tag; they never compare.
 */
export function registerConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const etag = reply.getHeader('etag');
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      reply.statusCode === 200 &&
      typeof etag === 'string' &&
      request.headers['if-none-match'] !== undefined &&
      fresh(request.headers, { etag })
    ) {
      void reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      done(null, null);
      return;
    }
    done(null, payload);
  });
}
