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
