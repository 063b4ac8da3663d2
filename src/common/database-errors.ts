import { setTimeout as sleep } from 'node:timers/promises';

/** True for a primary-key or unique-constraint violation, on SQLite and PostgreSQL alike. */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; errno?: number } }).driverError;
  const code = driverError?.code ?? (error as { code?: string }).code;
  return (
    code === '23505' || // PostgreSQL unique_violation
    (code === 'SQLITE_CONSTRAINT' &&
      /UNIQUE constraint failed|PRIMARY KEY/i.test(String((error as Error).message)))
  );
}

/**
 * True when SQLite refused a transaction because another connection (a second process, the CLI)
 * held or had just moved the database's write lock: the transaction was rolled back whole, and
 * running it again is what SQLite's documentation prescribes.
 */
export function isSqliteBusy(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } }).driverError;
  return (driverError?.code ?? (error as { code?: string }).code) === 'SQLITE_BUSY';
}

/** Runs of one SQLite transaction refused as busy, about 5 s of pauses in all. */
const SQLITE_BUSY_ATTEMPTS = 60;

/**
 * Runs a whole transaction again while SQLite refuses it as busy: another process held the write
 * lock past the busy timeout, so the transaction was rolled back whole and nothing of it stayed.
 * Anything else, and the last refusal, is thrown as it came.
 */
export async function runAgainWhenSqliteBusy<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= SQLITE_BUSY_ATTEMPTS) {
        throw error;
      }
      await sleep(Math.min(attempt * 10, 100) * (0.5 + Math.random()));
    }
  }
}
