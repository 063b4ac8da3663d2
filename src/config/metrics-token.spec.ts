import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from './config';

describe('METRICS_TOKEN', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-metrics-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is off when unset, and the token as bytes when set', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).metrics).toBeUndefined();
    const token = 'a1'.repeat(16);
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_TOKEN: token }).metrics?.token).toEqual(
      Buffer.from(token, 'utf8'),
    );
  });

  for (const [why, token] of [
    ['shorter than 32 characters', 'short-token-31-characters-long!'],
    ['with a space', `${'b'.repeat(20)} ${'c'.repeat(20)}`],
    ['with a non-ASCII character', `${'d'.repeat(32)}é`],
    ['longer than 512 characters', 'e'.repeat(513)],
  ]) {
    it(`refuses to start with one ${why}, without echoing it`, () => {
      let message = '';
      try {
        loadConfig({ DATA_DIR: dataDir, METRICS_TOKEN: token });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/METRICS_TOKEN must be 32 to 512 printable ASCII characters/);
      expect(message).not.toContain(token);
    });
  }
});
