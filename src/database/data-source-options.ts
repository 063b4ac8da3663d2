import * as sqlite3 from 'sqlite3';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { postgresOptions } from './postgres-options';
import { makeDataFilesPrivate } from './private-data-files';
import { redactQueryErrors } from './redacted-query-errors';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './schema';

/**
 * sqlite3 as TypeORM loads it, minus `verbose()`: TypeORM calls it, and it wraps every query
 * call to capture a stack and `util.inspect` every argument, about a tenth of the CPU of a read
 * (profiled with `npm run bench -- --profile`). Its long stack traces would also copy query
 * parameters (names, ciphertext) into the stacks of database errors, which Nest logs.
 */
const quietSqlite3 = Object.create(sqlite3, {
  verbose: { value: (): typeof sqlite3 => quietSqlite3 },
}) as typeof sqlite3;

/**
 * PostgreSQL when DATABASE_URL names it; otherwise SQLite in WAL mode: readers never wait for the
 * writer, and one file plus its WAL is the state.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  redactQueryErrors();
  if (config.postgres) {
    return postgresOptions(config.postgres);
  }
  return {
    type: 'sqlite',
    driver: quietSqlite3,
    database: config.sqlitePath,
    entities: CREDENTIALS_ENTITIES,
    migrations: CREDENTIALS_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    enableWAL: true,
    // Other processes (the CLI, a backup) may hold the write lock briefly: wait, don't fail.
    busyTimeout: 5000,
    // TypeORM's query-error log prints parameters (ciphertext included); errors still reach Nest.
    logging: false,
  };
}

/**
 * The standalone server's and the CLI's DataSource, not yet open: its file made owner-only first,
 * so SQLite creates the WAL and shared-memory files with the same mode.
 */
export function createDataSource(config: AppConfig): DataSource {
  if (!config.postgres) {
    makeDataFilesPrivate(config.sqlitePath);
  }
  return new DataSource(dataSourceOptions(config));
}
