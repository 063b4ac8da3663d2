import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Which store the e2e apps use: SQLite (default) or, with `TEST_STORE=postgres`, a fresh
 * PostgreSQL database per app on the server `TEST_DATABASE_URL` points to (created at start,
 * dropped at close). `npm test` sets both for its PostgreSQL pass.
 */
export const onPostgres = process.env.TEST_STORE === 'postgres';

/** `{ skip }` for a file or test that only means something on SQLite, saying why on PostgreSQL. */
export function sqliteOnly(why: string): string | false {
  return onPostgres ? `SQLite only: ${why}` : false;
}

/** `{ skip }` for a PostgreSQL-only test: skipped without TEST_DATABASE_URL, saying so. */
export function postgresOnly(): string | false {
  return process.env.TEST_DATABASE_URL
    ? false
    : 'needs PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)';
}

/** `{ skip }` for a test about PostgreSQL itself: it runs in `npm test`'s PostgreSQL pass. */
export function postgresPassOnly(): string | false {
  return (
    postgresOnly() ||
    (onPostgres ? false : 'runs in the PostgreSQL pass of the e2e files (TEST_STORE=postgres)')
  );
}

export interface TestDatabase {
  /** DATABASE_URL for the app. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Database names start with this (TEST_DATABASE_PREFIX), so a shared server's others are safe. */
const prefix = (): string => process.env.TEST_DATABASE_PREFIX ?? 'vault_test_';

/** Runs one statement on the server's maintenance connection (TEST_DATABASE_URL). */
export async function adminQuery<T = Record<string, unknown>>(
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: requiredAdminUrl() });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A new empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${prefix()}${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(requiredAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  };
}

function requiredAdminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL');
  }
  return url;
}

/**
 * The PostgreSQL database that goes with a data directory: apps started on one data directory
 * (a restart, a second replica, a CLI) share its database, as they would share a SQLite file
 * there. Dropped with the directory (`removeDir`) or when the test process ends.
 */
const databases = new Map<string, Promise<TestDatabase>>();
const urls = new Map<string, string>();

export function databaseFor(dataDir: string): Promise<TestDatabase> {
  let database = databases.get(dataDir);
  if (!database) {
    database = createTestDatabase();
    void database.then((db) => urls.set(dataDir, db.url)).catch(() => undefined);
    databases.set(dataDir, database);
  }
  return database;
}

/**
 * For a child process's env (the CLI, `dist/main.js`): DATABASE_URL of a data directory whose
 * database `databaseFor` made already; `{}` on SQLite.
 */
export function childStoreEnv(dataDir: string | undefined): { DATABASE_URL?: string } {
  if (!onPostgres || dataDir === undefined) {
    return {};
  }
  const url = urls.get(dataDir);
  if (url === undefined) {
    throw new Error(`No PostgreSQL database for ${dataDir} yet: await storeEnv(dataDir) first`);
  }
  return { DATABASE_URL: url };
}

/** The DATABASE_URL env for a data directory: `{}` on SQLite. */
export async function storeEnv(dataDir: string): Promise<{ DATABASE_URL?: string }> {
  if (!onPostgres) {
    return {};
  }
  const { url } = await databaseFor(dataDir);
  urls.set(dataDir, url);
  return { DATABASE_URL: url };
}

export function dropDatabaseFor(dataDir: string): Promise<void> {
  const database = databases.get(dataDir);
  databases.delete(dataDir);
  urls.delete(dataDir);
  return database ? database.then((db) => db.drop()) : Promise.resolve();
}

process.on('beforeExit', () => {
  for (const dataDir of [...databases.keys()]) {
    void dropDatabaseFor(dataDir).catch(() => undefined);
  }
});
