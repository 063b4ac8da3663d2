import { DataSource, Migration, MigrationExecutor } from 'typeorm';

/** pg_advisory_lock's key for migrations: any fixed number, the same in every replica. */
export const MIGRATION_LOCK_KEY = 1764201600;

/**
 * Runs the pending migrations, all in one transaction. On PostgreSQL under a session advisory
 * lock, taken and used on one connection: replicas starting at once queue on the lock, and the
 * ones after the first find nothing pending, so the history is written exactly once. SQLite's
 * write lock already serialises its migrations.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') {
    return dataSource.runMigrations({ transaction: 'all' });
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        // A dead connection has lost its session lock already.
      });
    }
  } finally {
    await runner.release();
  }
}
