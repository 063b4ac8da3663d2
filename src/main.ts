import { Logger } from '@nestjs/common';
import { loadConfig } from './config/config';
import { ConfigError, EncryptionKeyMismatchError } from './core/errors';
import { API_PREFIX, createServer } from './server';
import { DOCS_PATH } from './openapi';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createServer(config);
  await app.listen(config.port, config.host);
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const logger = new Logger('Bootstrap');
  logger.log(`Credential vault listening on ${base}/${API_PREFIX}`);
  logger.log(`API docs (Swagger UI): ${base}/${DOCS_PATH}`);
  logger.log(
    `Get a token: POST ${base}/${API_PREFIX}/auth/login, or npm run token -- --workspace <id>`,
  );
}

bootstrap().catch((error: unknown) => {
  // Expected refusals get their message alone; anything else keeps its stack for diagnosis.
  const expected = error instanceof ConfigError || error instanceof EncryptionKeyMismatchError;
  new Logger('Bootstrap').error(
    expected ? (error as Error).message : error,
    expected ? undefined : (error as Error).stack,
  );
  process.exit(1);
});
