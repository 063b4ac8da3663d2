import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';

/** In the run's record directory (scripts/run-tests.js): where `zz-logs-scan` reads them back. */
export const LOG_RECORD_DIR =
  process.env.CONTRACT_RECORD_DIR === undefined
    ? undefined
    : join(process.env.CONTRACT_RECORD_DIR, 'logs');
const RECORD_DIR = LOG_RECORD_DIR;
if (RECORD_DIR !== undefined) {
  mkdirSync(RECORD_DIR, { recursive: true });
}

/** Nest's names for pino's levels, so `/^error/` and `/^warn/` still pick lines by level. */
const NEST_LEVEL: Record<string, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'log',
  debug: 'debug',
  trace: 'verbose',
};

/** One JSON log line: its fields as pino wrote them. */
export type LogRecord = Record<string, unknown> & { level: string; msg?: string; event?: string };

/**
 * Every log line of this test process: the in-process apps' JSON lines (nestjs-pino keeps one
 * logger per process, so they all share this destination) and the output of the servers and
 * commands it spawned. The leak scan reads all of it; the run's record directory gets a copy.
 */
class ProcessLogs {
  private readonly json: string[] = [];
  private readonly spawned = new Map<string, () => string>();

  readonly destination: DestinationStream = {
    write: (line: string) => {
      this.json.push(line.trimEnd());
      if (RECORD_DIR !== undefined) {
        appendFileSync(join(RECORD_DIR, `app-${process.pid}.ndjson`), line);
      }
    },
  };

  /** The number of in-process lines so far: a view starts there. */
  get position(): number {
    return this.json.length;
  }

  recordsSince(position: number): LogRecord[] {
    return this.json.slice(position).map((line) => JSON.parse(line) as LogRecord);
  }

  /** `level context message {the whole record}`: readable, and every field stays scannable. */
  linesSince(position: number): string[] {
    return this.json.slice(position).map((line) => {
      const record = JSON.parse(line) as LogRecord;
      const context = typeof record.context === 'string' ? record.context : '';
      return `${NEST_LEVEL[record.level] ?? record.level} ${context} ${record.msg ?? ''} ${line}`;
    });
  }

  /** A spawned process's output, read when scanned (it grows while the process runs). */
  addOutput(name: string, read: () => string): void {
    this.spawned.set(`${name}-${this.spawned.size}`, read);
  }

  /** Called once a spawned process has ended, so the run-wide scan sees its output too. */
  saveOutput(name: string, output: string): void {
    if (RECORD_DIR !== undefined) {
      writeFileSync(join(RECORD_DIR, `spawned-${process.pid}-${name}.log`), output);
    }
  }

  everything(): string {
    return [...this.json, ...[...this.spawned.values()].map((read) => read())].join('\n');
  }
}

export const processLogs = new ProcessLogs();

/** One app's lines: those written since it was created (with others of the process, if any). */
export class AppLogs {
  private readonly start = processLogs.position;

  get lines(): string[] {
    return processLogs.linesSince(this.start);
  }

  get records(): LogRecord[] {
    return processLogs.recordsSince(this.start);
  }
}
