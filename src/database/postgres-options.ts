import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { PostgresStore } from '../config/config';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './schema';

/** How long a request waits for a free connection before failing (then a 503, not a hang). */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * PostgreSQL through `pg`'s pool: the same entities and migration history as SQLite, no query
 * logging (TypeORM's error log prints parameters, ciphertext included), and no connection
 * string in any message (TypeORM never logs it; ours neither).
 */
export function postgresOptions(store: PostgresStore): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: store.url,
    ...(store.ssl ? { ssl: { ...store.ssl } } : {}),
    poolSize: store.poolSize,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    entities: CREDENTIALS_ENTITIES,
    migrations: CREDENTIALS_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      // A connection the server killed is dropped from the pool instead of failing the next query.
      idleTimeoutMillis: 30000,
      application_name: 'credential-vault',
    },
  };
}
