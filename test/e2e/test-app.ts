import { JwtService } from '@nestjs/jwt';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/config/config';
import { createRootLogger } from '../../src/logging/root-logger';
import { createServer } from '../../src/server';
import { recordContract } from './contract-recorder';
import { AppLogs, processLogs } from './log-capture';
import { dropDatabaseFor, storeEnv } from './test-store';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly dataDir: string;
  /** Every log line since the app was created, so tests can prove no secret reached one. */
  readonly logs: AppLogs;
  /** A signed HS256 token as `npm run token` makes them. */
  tokenFor(claims: { workspaceId: string; sub?: string }, ttlSeconds?: number): string;
  /** The raw HTTP server, for supertest. */
  http(): ReturnType<NestFastifyApplication['getHttpServer']>;
  /** Empties the tables between tests (the schema and the key canary stay). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real server on a fresh SQLite file in a temp dir, with keys generated as on first start.
 * With `TEST_STORE=postgres`, on the data directory's own PostgreSQL database instead (see
 * `databaseFor`), unless `env` names a DATABASE_URL itself.
 */
export async function createTestApp(
  env: NodeJS.ProcessEnv = {},
  dataDir = mkdtempSync(join(tmpdir(), 'vault-e2e-')),
): Promise<TestApp> {
  const config = loadConfig({ DATA_DIR: dataDir, ...(await storeEnv(dataDir)), ...env });
  const logs = new AppLogs();
  const app = await createServer(config, {
    // JSON lines into the process's capture, as a server writes them when not on a terminal.
    logger: createRootLogger({ ...config.log, format: 'json' }, processLogs.destination),
    configureFastify: recordContract,
  });
  const jwt = new JwtService();
  return {
    app,
    config,
    dataDir,
    logs,
    tokenFor: ({ workspaceId, sub = 'user-1' }, ttlSeconds = 600) =>
      jwt.sign(
        { sub, workspaceId },
        { secret: config.jwtSecret, algorithm: 'HS256', expiresIn: ttlSeconds },
      ),
    http: () => app.getHttpServer(),
    clear: () =>
      app
        .get(DataSource)
        .query('DELETE FROM vault_credential')
        .then(() => undefined),
    close: () => app.close(),
  };
}

/** Removes a data directory, and on PostgreSQL its database (dropped in the background). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  void dropDatabaseFor(dir).catch(() => undefined);
}

export function randomWorkspaceId(): string {
  return `ws-${randomBytes(6).toString('hex')}`;
}
