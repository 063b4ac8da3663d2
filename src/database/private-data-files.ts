import { Logger } from '@nestjs/common';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** SQLite's companions of a database file; it creates them with the main file's mode. */
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

/**
 * Makes the database owner-only before SQLite opens it: a missing file is created 0600 (SQLite
 * then gives its `-wal` and `-shm` the same mode), and existing files others can read are set
 * to 0600. A data directory others can read only earns a warning: its files are owner-only
 * anyway, and refusing would stop deployments on volumes mounted 0755; the warning says how
 * to close it. Returns the warning, if any.
 */
export function makeDataFilesPrivate(sqlitePath: string): string | undefined {
  if (sqlitePath === ':memory:') {
    return undefined;
  }
  if (!existsSync(sqlitePath)) {
    closeSync(openSync(sqlitePath, 'a', 0o600));
  }
  for (const path of COMPANIONS.map((suffix) => `${sqlitePath}${suffix}`)) {
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
    }
  }
  const dir = dirname(sqlitePath);
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) {
    return undefined;
  }
  const warning =
    `The data directory ${dir} can be read by other users (mode ${mode.toString(8)}). Its ` +
    `files are owner-only (0600), but their names and sizes show; run: chmod 700 ${dir}`;
  new Logger('Storage').warn(warning);
  return warning;
}
