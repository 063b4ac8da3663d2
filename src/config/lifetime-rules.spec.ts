import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from './config';

describe('IDEMPOTENCY_TTL, SHUTDOWN_TIMEOUT and SHUTDOWN_DELAY', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('default to 24 hours, 10 seconds and no delay', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.idempotencyTtlSeconds).toBe(86400);
    expect(config.shutdown).toEqual({ delaySeconds: 0, timeoutSeconds: 10 });
  });

  it('read durations', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      IDEMPOTENCY_TTL: '2h',
      SHUTDOWN_TIMEOUT: '30s',
      SHUTDOWN_DELAY: '5',
    });
    expect(config.idempotencyTtlSeconds).toBe(7200);
    expect(config.shutdown).toEqual({ delaySeconds: 5, timeoutSeconds: 30 });
  });

  it('refuse a zero TTL or timeout, a delay not shorter than the timeout, and non-durations', () => {
    const problems = (env: Record<string, string>) => () =>
      loadConfig({ DATA_DIR: dataDir, ...env });
    expect(problems({ IDEMPOTENCY_TTL: '0' })).toThrow('IDEMPOTENCY_TTL must be at least 1s');
    expect(problems({ SHUTDOWN_TIMEOUT: '0s' })).toThrow('SHUTDOWN_TIMEOUT must be at least 1s');
    expect(problems({ SHUTDOWN_DELAY: '10s' })).toThrow(
      'SHUTDOWN_DELAY must be shorter than SHUTDOWN_TIMEOUT',
    );
    expect(problems({ SHUTDOWN_TIMEOUT: 'soon' })).toThrow(
      'SHUTDOWN_TIMEOUT must be a duration like 10s',
    );
  });
});
