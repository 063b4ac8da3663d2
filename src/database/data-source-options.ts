import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './schema';

/** SQLite in WAL mode: readers never wait for the writer, and one file plus its WAL is the state. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'sqlite',
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
