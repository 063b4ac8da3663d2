import { NestFastifyApplication } from '@nestjs/platform-fastify';

type CorsOptions = Exclude<Parameters<NestFastifyApplication['enableCors']>[0], undefined>;

/** Response headers a browser app on another origin needs to read (paging, caching, limits). */
export const CORS_EXPOSED_HEADERS = [
  'X-Total-Count',
  'ETag',
  'Location',
  'Link',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
  'Idempotent-Replayed',
];

/** Browsers may reuse a preflight answer this long. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for an allow-list of origins, through `@fastify/cors` (Nest's `enableCors`). Requested
 * headers are reflected (Flowise's client adds `x-request-from`): the origin list is the boundary.
 * `credentials: true` because Flowise's client sends `withCredentials`; the vault authenticates
 * with bearer tokens only and sets no cookies, so this gives a page no ambient authority.
 */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    credentials: true,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
}
