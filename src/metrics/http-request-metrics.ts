import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';

/** The route label of a request no route matched (404, 405): never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** From half a millisecond (a cached read) to ten seconds (a request waiting on a lock). */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Child = Histogram.Internal<string>;

/**
 * `vault_http_request_duration_seconds` by method, route template (`/api/v1/credentials/:id`,
 * as the router matched it) and status. Each series' child is looked up by plain map lookups
 * and made once, so a request costs one observation and no label object.
 */
@Injectable()
export class HttpRequestMetrics {
  private readonly histogram: Histogram<string>;
  private readonly children = new Map<string, Map<string, Map<number, Child>>>();

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'vault_http_request_duration_seconds',
      help: 'HTTP requests, by method, route template and status, from routing to the last byte',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** Observes every answer of the server; call before its routes are registered. */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      this.childFor(request.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    });
  }

  private childFor(method: string, route: string, status: number): Child {
    let byMethod = this.children.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.children.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (child === undefined) {
      child = this.histogram.labels(method, route, String(status));
      byStatus.set(status, child);
    }
    return child;
  }
}
