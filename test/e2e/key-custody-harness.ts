import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { processLogs } from './log-capture';
import { portableSql } from './portable-sql';
import { childStoreEnv, databaseFor, dropDatabaseFor, onPostgres, storeEnv } from './test-store';

/**
 * Key custody is about processes: servers and the operator CLI sharing one database and
 * keyring. These helpers run the built server (`dist/main.js`) and CLI (`dist/cli/cli.js`) as
 * real child processes, compiled from the same sources as the test itself.
 */
/** The repository: tests run compiled, from dist-test/test/e2e. */
export const ROOT = resolve(__dirname, '../../..');
/** The server and CLI compiled in the same `nest build` as this test (dist-test/src). */
export const COMPILED_SRC = resolve(__dirname, '../../src');
const DIST_CLI = join(COMPILED_SRC, 'cli/cli.js');

export const JWT_SECRET = 'key-custody-e2e-jwt-secret-0123456789abcdef';

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'vault-keys-e2e-'));
}

/** Removes a data directory, and on PostgreSQL its database (dropped in the background). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  void dropDatabaseFor(dir).catch(() => undefined);
}

export function randomKey(): string {
  return randomBytes(32).toString('base64');
}

export function tokenFor(workspaceId: string): string {
  return sign({ sub: 'user-1', workspaceId }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
}

/**
 * Only what a test sets: the developer's own environment must not leak into a child. Key
 * custody tests store an unknown credential type (`keyCustodyTest`) with free-form fields, so
 * that merges can add any field: permissive credential types.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    JWT_SECRET,
    NODE_ENV: 'test',
    CREDENTIAL_TYPES: 'permissive',
    ...childStoreEnv(env.DATA_DIR),
    ...env,
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(
  args: string[],
  env: Record<string, string>,
  input?: string,
): ChildProcess {
  const child = spawn(process.execPath, [DIST_CLI, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(input ?? '');
  return child;
}

export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A command's logs are its stderr (stdout is its result, e.g. a minted token).
  processLogs.addOutput('cli', () => stderr);
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      processLogs.saveOutput(`cli-${child.pid}`, stderr);
      done({ code, signal, stdout, stderr });
    }),
  );
}

/** The result of a command that must succeed; otherwise its output, for the failure message. */
export function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(`CLI exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export async function runCli(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<CliResult> {
  if (env.DATA_DIR !== undefined) {
    await storeEnv(env.DATA_DIR);
  }
  return finished(spawnCli(args, env, input));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

export interface RunningServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `dist/main.js` (or another entry of the same build, such as `start.js`) and waits until
 * it answers; rejects with its output if it exits.
 */
export async function startServer(
  env: Record<string, string>,
  entry = 'main.js',
): Promise<RunningServer> {
  const port = await freePort();
  if (env.DATA_DIR !== undefined) {
    await storeEnv(env.DATA_DIR);
  }
  const child = spawn(process.execPath, [join(COMPILED_SRC, entry)], {
    cwd: ROOT,
    env: childEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ended = finished(child);
  const url = `http://127.0.0.1:${port}/api/v1`;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  processLogs.addOutput(`server-${port}`, () => output);
  void ended.then(() => processLogs.saveOutput(`server-${port}`, output));
  let exited: CliResult | undefined;
  void ended.then((result) => (exited = result));
  const deadline = Date.now() + 30_000;
  while (!exited) {
    try {
      if ((await fetch(`${url}/health`)).ok) {
        return {
          url,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            await ended;
          },
        };
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Server did not start:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw Object.assign(new Error(`Server exited (${exited.code}):\n${output}`), { exited });
}

/** Starts a server that is expected to refuse: resolves with how it exited. */
export async function startRefused(env: Record<string, string>): Promise<CliResult> {
  try {
    const server = await startServer(env);
    await server.stop();
    throw new Error('The server started, but it should have refused');
  } catch (error) {
    const exited = (error as { exited?: CliResult }).exited;
    if (!exited) {
      throw error;
    }
    return exited;
  }
}

export async function api(
  server: RunningServer,
  method: string,
  path: string,
  workspaceId: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokenFor(workspaceId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Runs SQL on a database file directly, as an attacker with a copy or a test's setup would. On
 * PostgreSQL, a data directory's `credentials.sqlite` stands for that directory's database.
 */
export async function sql<T = Record<string, unknown>>(
  file: string,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (onPostgres && basename(file) === 'credentials.sqlite') {
    return postgresSql<T>(file, query, params);
  }
  const sqlite3 = (await import('sqlite3')).default;
  const db = new sqlite3.Database(file);
  try {
    await new Promise<void>((done, fail) =>
      db.run('PRAGMA busy_timeout = 5000', (error) => (error ? fail(error) : done())),
    );
    return await new Promise<T[]>((done, fail) =>
      db.all(query, params, (error, rows) => (error ? fail(error) : done(rows as T[]))),
    );
  } finally {
    await new Promise((done) => db.close(done));
  }
}

/**
 * The PKCS#11 token the tests use (SoftHSM2 in CI): TEST_PKCS11_MODULE, TEST_PKCS11_TOKEN_LABEL
 * and TEST_PKCS11_PIN, plus SOFTHSM2_CONF for SoftHSM. Says why the tests skip when incomplete.
 */
export function pkcs11TestEnv():
  | { module: string; tokenLabel: string; pin: string; extraEnv: Record<string, string> }
  | { skip: string } {
  const { TEST_PKCS11_MODULE, TEST_PKCS11_TOKEN_LABEL, TEST_PKCS11_PIN, SOFTHSM2_CONF } =
    process.env;
  if (!TEST_PKCS11_MODULE || !TEST_PKCS11_TOKEN_LABEL || !TEST_PKCS11_PIN) {
    return {
      skip:
        'PKCS#11 tests need TEST_PKCS11_MODULE, TEST_PKCS11_TOKEN_LABEL and TEST_PKCS11_PIN ' +
        '(an initialised SoftHSM2 token: see docs/key-custody-ci.md)',
    };
  }
  if (!existsSync(TEST_PKCS11_MODULE)) {
    return { skip: `TEST_PKCS11_MODULE ${TEST_PKCS11_MODULE} does not exist (install softhsm2)` };
  }
  return {
    module: TEST_PKCS11_MODULE,
    tokenLabel: TEST_PKCS11_TOKEN_LABEL,
    pin: TEST_PKCS11_PIN,
    extraEnv: SOFTHSM2_CONF ? { SOFTHSM2_CONF } : {},
  };
}

async function postgresSql<T>(file: string, query: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: (await databaseFor(dirname(file))).url });
  await client.connect();
  try {
    return (await client.query(portableSql('postgres', query), params)).rows as T[];
  } finally {
    await client.end();
  }
}
