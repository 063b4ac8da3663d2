import { expect } from 'expect';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeDataFilesPrivate } from './private-data-files';

describe('makeDataFilesPrivate', () => {
  it('creates a missing database 0600, tightens existing files, warns on a readable dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-private-'));
    try {
      chmodSync(dir, 0o755);
      const path = join(dir, 'credentials.sqlite');
      writeFileSync(`${path}-wal`, '', { mode: 0o644 });
      chmodSync(`${path}-wal`, 0o644);
      const warning = makeDataFilesPrivate(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      expect(warning).toMatch(/can be read by other users \(mode 755\).*chmod 700/);
      chmodSync(dir, 0o700);
      expect(makeDataFilesPrivate(path)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
