import { DataSource } from 'typeorm';

/**
 * Tests' SQL, written as for SQLite, made to run on PostgreSQL too: camelCase names quoted
 * (PostgreSQL folds bare names to lower case), `?` placeholders numbered, and COUNT(*) cast to
 * an integer (pg returns bigint as a string). String literals are left alone.
 */
export function portableSql(dataSource: DataSource | 'postgres', sql: string): string {
  if (dataSource !== 'postgres' && dataSource.options.type !== 'postgres') {
    return sql;
  }
  let placeholder = 0;
  return sql
    .split(/('(?:[^']|'')*')/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/(?<![\w"])([a-z]+[A-Z]\w*)(?![\w"])/g, '"$1"')
            .replace(/\?/g, () => `$${++placeholder}`)
            .replace(/COUNT\(\*\)/gi, 'CAST(COUNT(*) AS integer)'),
    )
    .join('');
}

/** `dataSource.query` with `portableSql`. */
export function querySql<T = Record<string, unknown>[]>(
  dataSource: DataSource,
  sql: string,
  parameters?: unknown[],
): Promise<T> {
  return dataSource.query<T>(portableSql(dataSource, sql), parameters);
}

/** Every row of every table, as text: what a leak scan reads on PostgreSQL instead of files. */
export async function databaseText(dataSource: DataSource): Promise<string> {
  const tables = await dataSource.query<{ name: string }[]>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
  );
  const rows: string[] = [];
  for (const { name } of tables) {
    const found = await dataSource.query<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS row FROM "${name}" t`,
    );
    rows.push(...found.map(({ row }) => row));
  }
  return rows.join('\n');
}
