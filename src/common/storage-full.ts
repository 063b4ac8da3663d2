interface DatabaseError {
  code?: unknown;
  errno?: unknown;
  driverError?: { code?: unknown };
}

/** SQLite's and PostgreSQL's words for "the disk (or the database's page limit) is full". */
const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', '53100', 'ENOSPC']);

/** Whether a write failed because there was no room for it, not because it was wrong. */
export function isStorageFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { code, driverError } = error as DatabaseError;
  return STORAGE_FULL_CODES.has(String(code)) || STORAGE_FULL_CODES.has(String(driverError?.code));
}
