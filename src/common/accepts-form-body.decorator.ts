import { CustomDecorator, SetMetadata } from '@nestjs/common';

/**
 * The metadata key of `@RouteConfig` from `@nestjs/platform-fastify`, written out so that the
 * package reaches no Fastify code: the standalone server's Fastify adapter turns it into the
 * route's config, where its 415 check reads `acceptsFormBody`; an Express host ignores it (Express
 * parses form bodies anyway). A spec checks it against the adapter's own decorator.
 */
export const FASTIFY_ROUTE_CONFIG_METADATA = '__fastify_route_config__';

/** This route also takes an `application/x-www-form-urlencoded` body (OAuth 2.0 clients send one). */
export const AcceptsFormBody = (): CustomDecorator<string> =>
  SetMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { acceptsFormBody: true });
