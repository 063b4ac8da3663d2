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
 * True when the database rolled a whole transaction (or statement) back for its clash with
 * another connection, and running it again is what its documentation prescribes: SQLite busy
 * (another process held or had just moved the write lock past the busy timeout), PostgreSQL
 * deadlock_detected (it broke a cycle of lock waits by failing this one) or
 * serialization_failure. Nothing of it stayed.
 */
function isRolledBackForConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } }).driverError;
  const code = driverError?.code ?? (error as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === '40P01' || code === '40001';
}

/** Runs of one transaction rolled back for a conflict, about 5 s of pauses in all. */
const CONFLICT_ATTEMPTS = 60;

/**
 * Runs a whole transaction again while the database rolls it back for a conflict with another
 * connection (see isRolledBackForConflict). Anything else, and the last refusal, is thrown as
 * it came.
 */
export async function runAgainOnConflict<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isRolledBackForConflict(error) || attempt >= CONFLICT_ATTEMPTS) {
        throw error;
      }
      await sleep(Math.min(attempt * 10, 100) * (0.5 + Math.random()));
    }
  }
}
