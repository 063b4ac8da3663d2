import helmet from '@fastify/helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Helmet's security headers, with a content security policy that Swagger UI lives with: its
 * scripts and styles are served by us, its page carries one inline style block, and it draws
 * icons from data: URLs. Resources may be embedded cross-origin (a Flowise UI on another origin
 * shows credential icons in `<img>`); API responses still need a bearer token.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
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
  });
}
