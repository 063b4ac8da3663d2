import { ExecutionContext } from '@nestjs/common';
import { BusyException } from './busy.exception';

/** SQLSTATE classes and codes that mean "the connection or server, not the query": retry later. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a server restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** pg's own messages for a client whose connection is gone, or a pool that could not connect. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
];

/** Seconds a client should wait: the pool reconnects on the next request. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** True when a query failed because the database could not be reached (PostgreSQL). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const driverError = ((error as { driverError?: unknown }).driverError ?? error) as {
    code?: unknown;
    message?: unknown;
  };
  const code = typeof driverError.code === 'string' ? driverError.code : '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) {
    return true;
  }
  const message = typeof driverError.message === 'string' ? driverError.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The 503 a request gets then. Its writes ran in transactions, which the server rolls back when
 * the connection goes, so nothing is half-written; a retry is safe.
 */
export function databaseUnavailable(): BusyException {
  return new BusyException(
    'The database is unreachable for a moment; retry shortly',
    DATABASE_RETRY_AFTER_SECONDS,
  );
}

/**
 * The error to throw for `error` in an HTTP context: a lost database becomes the 503 above, with
 * its Retry-After header set (guards run outside the interceptors that would set it); any other
 * error is returned as it is.
 */
export function unavailableOr(context: ExecutionContext, error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) {
    return error;
  }
  const unavailable = databaseUnavailable();
  context
    .switchToHttp()
    .getResponse<{ header(name: string, value: string): unknown }>()
    .header('Retry-After', String(unavailable.retryAfterSeconds));
  return unavailable;
}
