import { ConsoleLogger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/config/config';
import { createServer } from '../../src/server';
import { recordContract } from './contract-recorder';

/** Every log line the app printed, so tests can prove no secret reached one. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  protected override printMessages(messages: unknown[], context?: string, logLevel?: string): void {
    this.lines.push(`${logLevel ?? ''} ${context ?? ''} ${messages.map(describe).join(' ')}`);
  }
}

function describe(message: unknown): string {
  return message instanceof Error ? `${message.message}\n${message.stack}` : String(message);
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly logs: CapturingLogger;
  /** A signed HS256 token as `npm run token` makes them. */
  tokenFor(claims: { workspaceId: string; sub?: string }, ttlSeconds?: number): string;
  /** The raw HTTP server, for supertest. */
  http(): ReturnType<NestFastifyApplication['getHttpServer']>;
  /** Empties the tables between tests (the schema and the key canary stay). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** The real server on a fresh SQLite file in a temp dir, with keys generated as on first start. */
export async function createTestApp(
  env: NodeJS.ProcessEnv = {},
  dataDir = mkdtempSync(join(tmpdir(), 'vault-e2e-')),
): Promise<TestApp> {
  const config = loadConfig({ DATA_DIR: dataDir, ...env });
  const logs = new CapturingLogger();
  const app = await createServer(config, { logger: logs, configureFastify: recordContract });
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
        .query('DELETE FROM credential')
        .then(() => undefined),
    close: () => app.close(),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function randomWorkspaceId(): string {
  return `ws-${randomBytes(6).toString('hex')}`;
}
