import { parseDuration } from './duration';
import type { EnvironmentVariables } from './env-schema';

/** Durations that must be non-zero or fit inside another. */
export function lifetimeProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (vars.IDEMPOTENCY_TTL !== undefined && parseDuration(vars.IDEMPOTENCY_TTL) < 1) {
    problems.push('IDEMPOTENCY_TTL must be at least 1s');
  }
  const timeout = parseDuration(vars.SHUTDOWN_TIMEOUT ?? '10s');
  if (timeout < 1) {
    problems.push('SHUTDOWN_TIMEOUT must be at least 1s');
  }
  if (parseDuration(vars.SHUTDOWN_DELAY ?? '0') >= timeout) {
    problems.push('SHUTDOWN_DELAY must be shorter than SHUTDOWN_TIMEOUT');
  }
  return problems;
}
