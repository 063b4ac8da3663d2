import { chmodSync, existsSync, statSync } from 'node:fs';
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
  if (existsSync(out)) {
    throw new Error(`${out} already exists; choose a new file name`);
  }
  await dataSource.query('VACUUM INTO ?', [out]);
  chmodSync(out, 0o600);
  return statSync(out).size;
}
