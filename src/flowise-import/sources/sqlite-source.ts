import { existsSync } from 'node:fs';
import * as sqlite3 from 'sqlite3';

/** Every row of Flowise's `credential` table in a SQLite file, opened read-only. */
export async function readSqliteCredentials(file: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(file)) {
    throw new Error(`No Flowise database at ${file}`);
  }
  const db = await new Promise<sqlite3.Database>((done, fail) => {
    const opened = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) =>
      error ? fail(error) : done(opened),
    );
  });
  try {
    return await new Promise<Record<string, unknown>[]>((done, fail) =>
      db.all('SELECT * FROM credential', (error, rows) =>
        error ? fail(error) : done(rows as Record<string, unknown>[]),
      ),
    );
  } finally {
    await new Promise((done) => db.close(done));
  }
}
