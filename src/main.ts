import { Logger } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { loadConfig } from './config/config';
import { DEFAULT_LOG_SETTINGS } from './config/log-settings';
import { ConfigError, EncryptionKeyMismatchError } from './core/errors';
import { drainOnSignals } from './health/graceful-shutdown';
import { createRootLogger } from './logging/root-logger';
import { API_PREFIX, createServer, METRICS_PATH } from './server';
import { DOCS_PATH } from './openapi';

/** Set once the configuration is read; a refusal before that logs with the defaults. */
let rootLogger: PinoLogger | undefined;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  rootLogger = createRootLogger(config.log);
  const app = await createServer(config, { logger: rootLogger });
  drainOnSignals(app, config.shutdown);
  await app.listen(config.port, config.host);
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const logger = new Logger('Bootstrap');
  logger.log({
    event: 'startup.listening',
    url: `${base}/${API_PREFIX}`,
    msg: `Credential vault listening on ${base}/${API_PREFIX}`,
  });
  logger.log(`API docs (Swagger UI): ${base}/${DOCS_PATH}`);
  logger.log(
    config.metrics
      ? `Prometheus metrics: ${base}/${METRICS_PATH} (Authorization: Bearer <METRICS_TOKEN>)`
      : 'Metrics off: set METRICS_TOKEN to serve /metrics',
  );
  logger.log(
    `Get a token: POST ${base}/${API_PREFIX}/auth/login, or npm run token -- --workspace <id>`,
  );
}

/** Settles once the server listens (or has refused to start); src/start.ts waits for it. */
export const started: Promise<void> = bootstrap().catch((error: unknown) => {
  // Expected refusals get their message alone; anything else keeps its stack for diagnosis.
  const expected = error instanceof ConfigError || error instanceof EncryptionKeyMismatchError;
  const logger = rootLogger ?? createRootLogger(DEFAULT_LOG_SETTINGS);
  logger.fatal(
    {
      event: 'startup.refused',
      context: 'Bootstrap',
      reason: (error as Error).name,
      ...(expected ? {} : { err: error }),
    },
    `Refusing to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
