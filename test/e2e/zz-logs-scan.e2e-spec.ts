import { expect } from 'expect';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOG_RECORD_DIR } from './log-capture';

// Named zz- so that scripts/run-tests.js, which sorts, runs it after every e2e spec. Each spec
// process scans its own logs for the secrets its ledgers were given (leak-scan.ts); this scans
// the logs of the whole run for what is a secret whoever sent it.

/** Shapes that are a credential wherever they appear: a JWT, an API key, a bearer header. */
const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['a JWT', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/],
  ['an API key', /cvk_[\w-]{20,}/],
  ['a bearer token', /bearer\s+[\w.-]{12,}/i],
  ['a PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** Field names that would carry a secret or a request's private parts. */
const FORBIDDEN_FIELD =
  /^(authorization|cookie|set-cookie|password|plainDataObj|query|body|headers)$/i;

function readLogs(): Array<{ name: string; text: string }> {
  if (LOG_RECORD_DIR === undefined || !existsSync(LOG_RECORD_DIR)) {
    return [];
  }
  return readdirSync(LOG_RECORD_DIR).map((name) => ({
    name,
    text: readFileSync(join(LOG_RECORD_DIR!, name), 'utf8'),
  }));
}

function fieldNames(value: unknown): string[] {
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, inner]) => [key, ...fieldNames(inner)]);
}

const logs = readLogs();
const appLines = logs
  .filter(({ name }) => name.endsWith('.ndjson'))
  .flatMap(({ text }) => text.split('\n'))
  .filter((line) => line !== '');
const SKIP =
  appLines.length === 0
    ? 'No recorded logs (run the e2e specs with npm test, unfiltered or with them in the filter); run-wide log scan skipped'
    : false;
if (SKIP) {
  console.log(SKIP);
}

describe('The logs of the whole e2e run', { skip: SKIP }, () => {
  it('hold request lines, all JSON, with route templates and no query strings', () => {
    const records = appLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = records.filter((record) => record.event === 'http.request');
    expect(requests.length).toBeGreaterThan(0);
    for (const record of requests) {
      // A request its client gave up on has no status: it says so (logs.e2e-spec).
      const status = record.aborted === true ? null : expect.any(Number);
      expect({ statusCode: record.statusCode }).toEqual({ statusCode: status });
      expect(String(record.route)).not.toContain('?');
    }
  });

  it('hold no secret-shaped text, no forbidden field and no ANSI code', () => {
    for (const { name, text } of logs) {
      expect({ name, ansi: text.includes('\u001b[') }).toEqual({ name, ansi: false });
      for (const [what, shape] of SECRET_SHAPES) {
        const found = shape.exec(text);
        if (found) {
          const at = found.index;
          throw new Error(
            `${what} in ${name}: ...${text.slice(Math.max(0, at - 200), at)}<SECRET>...`,
          );
        }
      }
    }
    for (const line of appLines) {
      const forbidden = fieldNames(JSON.parse(line)).filter((key) => FORBIDDEN_FIELD.test(key));
      expect({ line: line.slice(0, 300), forbidden }).toEqual({
        line: line.slice(0, 300),
        forbidden: [],
      });
    }
  });
});
