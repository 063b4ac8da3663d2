import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from '../config/log-settings';
import { AuditContext } from '../core/audit-context';

/**
 * Paths pino removes from any logged object, whoever logs it: the request and response
 * serializers already keep only safe fields, this is the second lock on the door.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  'req.query',
  'req.url',
  'headers.authorization',
  'headers.cookie',
  'body',
  'query',
  // A failed query's values (ciphertext, hashes, names): the statement and its error suffice.
  'err.parameters',
];

/**
 * JSON lines to stdout are written in batches: at 4 KB, every 200 ms, and synchronously when the
 * process exits (pino's exit hook), refusals to start included. One `write` per line was 8 % of
 * a get's CPU (the request line is one per request); a SIGKILL can lose the last 200 ms of lines.
 */
const STDOUT_BATCH = { minLength: 4096, periodicFlush: 200 };

/**
 * The process's one pino logger. JSON lines (to `destination`, by default stdout, see
 * STDOUT_BATCH) unless the format asks for readable lines, or is `auto` on a terminal; colours
 * only on a terminal.
 */
export function createRootLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const onTerminal = destination === undefined && process.stdout.isTTY === true;
  const readable = settings.format === 'pretty' || (settings.format === 'auto' && onTerminal);
  const stream = readable
    ? pretty({
        colorize: onTerminal,
        sync: true,
        destination: destination ?? 1,
        ignore: 'pid,hostname,context',
        messageFormat: '{if context}[{context}] {end}{msg}',
      })
    : (destination ?? pino.destination({ dest: 1, sync: false, ...STDOUT_BATCH }));
  return pino(
    {
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, remove: true },
      mixin: requestOfCurrentWork,
    },
    stream,
  );
}

/**
 * A line logged while a write request's handler runs carries the request's id, from the context
 * its controller opened (AuditContext; reads open none): one lookup per line, nothing per
 * request. A fresh object each time, as pino merges the line into it.
 */
function requestOfCurrentWork(): object {
  const requestId = AuditContext.current()?.requestId;
  return requestId === undefined ? {} : { req: { id: requestId } };
}
