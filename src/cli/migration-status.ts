import { DataSource } from 'typeorm';

export interface MigrationState {
  readonly name: string;
  readonly timestamp: number;
  readonly state: 'applied' | 'pending' | 'unknown';
}

/**
 * This version's migrations against the history the database records, without running any
 * (the status must not be the thing that changes it). `unknown`: recorded by a newer version.
 */
export async function migrationStates(dataSource: DataSource): Promise<MigrationState[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const runner = dataSource.createQueryRunner();
  let applied: { name: string; timestamp: number | string }[] = [];
  try {
    if (await runner.hasTable(table)) {
      applied = (await runner.query(
        `SELECT name, timestamp FROM ${runner.connection.driver.escape(table)}`,
      )) as typeof applied;
    }
  } finally {
    await runner.release();
  }
  const appliedNames = new Set(applied.map((row) => row.name));
  const known = dataSource.migrations.map((migration) => {
    const name = migration.name ?? migration.constructor.name;
    return {
      name,
      timestamp: Number(name.slice(-13)),
      state: appliedNames.has(name) ? ('applied' as const) : ('pending' as const),
    };
  });
  const knownNames = new Set(known.map((migration) => migration.name));
  const unknown = applied
    .filter((row) => !knownNames.has(row.name))
    .map((row) => ({
      name: row.name,
      timestamp: Number(row.timestamp),
      state: 'unknown' as const,
    }));
  return [...known, ...unknown].sort((a, b) => a.timestamp - b.timestamp);
}

/** What `npm run cli -- db:migrations` prints. */
export function describeMigrationStates(store: string, states: readonly MigrationState[]): string {
  const count = (state: MigrationState['state']) => states.filter((m) => m.state === state).length;
  const lines = states.map((m) => `${m.state.padEnd(8)} ${m.name}`);
  const summary = `${count('applied')} applied, ${count('pending')} pending`;
  const unknown = count('unknown');
  return [
    `Store: ${store}`,
    ...lines,
    unknown > 0
      ? `${summary}, ${unknown} unknown to this version (a newer version migrated this database)`
      : summary,
    ...(count('pending') > 0
      ? ['Pending migrations run when the server (or any command) starts.']
      : []),
  ].join('\n');
}
