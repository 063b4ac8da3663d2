import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Set by scripts/run-tests.js: where e2e apps record what they answered, for the drift check. */
export const CONTRACT_RECORD_DIR = process.env.CONTRACT_RECORD_DIR;

/** One answer of the API: the route (Fastify's pattern), the status and the JSON body. */
export interface RecordedExchange {
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
  contentType: string | null;
  body: unknown;
}

/**
 * Records every routed answer of the app to a file in `CONTRACT_RECORD_DIR` (one per process),
 * so that `zz-contract-drift.e2e-spec` can check each against the OpenAPI document.
 */
export function recordContract(fastify: FastifyInstance): void {
  if (CONTRACT_RECORD_DIR === undefined) {
    return;
  }
  const file = join(CONTRACT_RECORD_DIR, `exchanges-${process.pid}.jsonl`);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined) {
      const contentType = reply.getHeader('content-type');
      const exchange: RecordedExchange = {
        method: request.method,
        route,
        params: (request.params ?? {}) as Record<string, string>,
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : null,
        body: parseJson(payload),
      };
      appendFileSync(file, `${JSON.stringify(exchange)}\n`);
    }
    done(null, payload);
  });
}

function parseJson(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload === '') {
    return null;
  }
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}
