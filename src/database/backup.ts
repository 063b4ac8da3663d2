import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { DataSource } from 'typeorm';

/**
 * A consistent copy of the live SQLite database, taken while servers run (`VACUUM INTO` reads
 * one snapshot and writes a compact new file). The copy holds ciphertext and wrapped data keys
 * only: it is useless without the master keys, which must be backed up separately.
 */
export async function backupDatabase(dataSource: DataSource, out: string): Promise<number> {
  if (dataSource.options.type !== 'sqlite') {
    throw new Error('backup supports SQLite; use your database server’s own backup tools');
  }
  // Created empty first, owner-only and exclusively: no moment readable by others, and no race
  // with another file of that name. SQLite writes into an existing empty file.
  try {
    closeSync(openSync(out, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${out} already exists; choose a new file name`, { cause: error });
    }
    throw error;
  }
  try {
    await dataSource.query('VACUUM INTO ?', [out]);
  } catch (error) {
    rmSync(out, { force: true });
    throw error;
  }
  return statSync(out).size;
}
