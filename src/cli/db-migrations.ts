import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { describeMigrationStates, migrationStates } from './migration-status';

/** `npm run cli -- db:migrations`: applied and pending migrations, on SQLite or PostgreSQL. */
export async function printMigrationStatus(
  config: AppConfig,
  dataSource: DataSource,
): Promise<void> {
  await dataSource.initialize();
  try {
    const store = config.postgres
      ? `PostgreSQL (database ${new URL(config.postgres.url).pathname.slice(1)})`
      : `SQLite (${config.sqlitePath})`;
    console.log(describeMigrationStates(store, await migrationStates(dataSource)));
  } finally {
    await dataSource.destroy();
  }
}
