import type { IncomingMessage, ServerResponse } from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * Helmet's security headers, with a content security policy that Swagger UI lives with: its
 * scripts and styles are served by us, its page carries one inline style block, and it draws
 * icons from data: URLs. Resources may be embedded cross-origin (a Flowise UI on another origin
 * shows credential icons in `<img>`); API responses still need a bearer token.
 */
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
    },
  },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
};

/**
 * Sends them on every response. They depend on nothing in the request, so they are worked out
 * once at start: `@fastify/helmet` rebuilt helmet (parsing the policy again) on every request,
 * about 4 % of a request's CPU (profiled with `npm run bench -- --profile`).
 */
export function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const headers = helmetHeaders(HELMET_OPTIONS);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      void reply.headers(headers);
      done();
    });
  return Promise.resolve();
}

/** The headers helmet's middleware sets, collected from one run against a recording response. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: (name: string) => delete headers[name],
  };
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) {
        throw error as Error;
      }
    },
  );
  return headers;
}
