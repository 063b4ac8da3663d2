import { expect } from 'expect';
import { after, describe, it } from 'node:test';
import { CREDENTIALS_MIGRATIONS } from '../../src/database/schema';
import { newDataDir, ok, runCli } from './key-custody-harness';
import { removeDir } from './test-app';
import { onPostgres } from './test-store';

describe('npm run cli -- db:migrations', () => {
  const dir = newDataDir();
  after(() => removeDir(dir));
  const names = CREDENTIALS_MIGRATIONS.map((migration) => migration.name);

  it('lists pending migrations without running them, then applied ones after a start', async () => {
    const before = ok(await runCli(['db:migrations'], { DATA_DIR: dir }));
    expect(before.stdout).toContain(`Store: ${onPostgres ? 'PostgreSQL' : 'SQLite'}`);
    for (const name of names) {
      expect(before.stdout).toContain(`pending  ${name}`);
    }
    expect(before.stdout).toContain(`0 applied, ${names.length} pending`);
    // Still pending: the status ran none.
    expect(ok(await runCli(['db:migrations'], { DATA_DIR: dir })).stdout).toContain(
      `0 applied, ${names.length} pending`,
    );

    ok(await runCli(['keys:status'], { DATA_DIR: dir }));
    const afterStart = ok(await runCli(['db:migrations'], { DATA_DIR: dir }));
    for (const name of names) {
      expect(afterStart.stdout).toContain(`applied  ${name}`);
    }
    expect(afterStart.stdout).toContain(`${names.length} applied, 0 pending`);
  });
});
