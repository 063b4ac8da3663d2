import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Error bodies that never repeat the request's path or query: a secret pasted into a URL must
 * not come back in a response (or reach a log through one). Fastify's and Nest's defaults
 * echo the URL in 404 ("Cannot GET /x"), 414 and bad-URL 400 messages.
 */
function send(reply: FastifyReply, statusCode: number, message: string, error: string): void {
  void reply.code(statusCode).type('application/json; charset=utf-8').send({
    statusCode,
    message,
    error,
  });
}

/** The not-found handler: names the method, not the path. */
export function answerNotFound(request: FastifyRequest, reply: FastifyReply): void {
  send(reply, 404, `No route matches this ${request.method} request's path`, 'Not Found');
}

/** The router's own refusals (before any route runs), as `frameworkErrors` of Fastify. */
export function answerRouterError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    send(reply, 414, 'A path parameter is too long', 'URI Too Long');
  } else if (error.code === 'FST_ERR_BAD_URL') {
    send(reply, 400, 'The request URL is not valid (a malformed %-escape?)', 'Bad Request');
  } else {
    send(reply, error.statusCode ?? 400, 'The request URL cannot be routed', 'Bad Request');
  }
}
