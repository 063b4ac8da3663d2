import { expect } from 'expect';
import { describe, it, before, after } from 'node:test';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  api,
  newDataDir,
  ok,
  randomKey,
  removeDir,
  runCli,
  RunningServer,
  sql,
  startRefused,
  startServer,
} from './key-custody-harness';
import { onPostgres, sqliteOnly } from './test-store';

const PASSPHRASE = 'a long export passphrase 7731';

interface Row {
  id: string;
  name: string;
  workspaceId: string;
  createdDate: string;
  updatedDate: string;
  encryptedData: string;
}

describe('export / import between instances with different keys, and backup', () => {
  const source = newDataDir();
  const target = newDataDir();
  const dirs = [source, target];
  const sourceEnv = { DATA_DIR: source };
  const targetEnv = { DATA_DIR: target, ENCRYPTION_KEYS: `other:${randomKey()}` };
  const secrets = Array.from({ length: 4 }, () => `sk-port-${randomUUID()}`);
  const bundle = join(source, 'vault.bundle');
  let server: RunningServer;
  let sourceRows: Row[];

  before(async () => {
    server = await startServer(sourceEnv);
    for (const [i, secret] of secrets.entries()) {
      const workspaceId = i < 3 ? 'ws-a' : 'ws-b';
      const created = await api(server, 'POST', '/credentials', workspaceId, {
        name: `cred ${i}`,
        credentialName: 'keyCustodyTest',
        plainDataObj: { openAIApiKey: secret },
      });
      expect(created.status).toBe(201);
    }
    sourceRows = await sql<Row>(
      join(source, 'credentials.sqlite'),
      'SELECT * FROM vault_credential ORDER BY id',
    );
  });
  after(async () => {
    await server.stop();
    dirs.forEach(removeDir);
  });

  it('exports a sealed bundle while the server runs; no secret reaches the file', async () => {
    const result = ok(await runCli(['export', '--out', bundle], sourceEnv, `${PASSPHRASE}\n`));
    expect(result.stdout).toContain('Exported 4 credential(s) of 2 workspace(s)');
    expect(statSync(bundle).mode & 0o777).toBe(0o600);
    const contents = readFileSync(bundle, 'utf8');
    for (const secret of secrets) {
      expect(contents).not.toContain(secret);
    }
    expect(contents).not.toContain('cred 0');
    const again = await runCli(['export', '--out', bundle], sourceEnv, `${PASSPHRASE}\n`);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('EEXIST');
  });

  it('refuses a wrong passphrase and a tampered bundle, importing nothing', async () => {
    const wrong = await runCli(['import', '--in', bundle], targetEnv, 'not the passphrase\n');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('wrong passphrase, or the bundle was altered');

    const tampered = join(target, 'tampered.bundle');
    writeFileSync(
      tampered,
      readFileSync(bundle, 'utf8').replace('"workspaces":2', '"workspaces":1'),
    );
    const altered = await runCli(['import', '--in', tampered], targetEnv, `${PASSPHRASE}\n`);
    expect(altered.code).not.toBe(0);
    expect(altered.stderr).toContain('the bundle was altered');
    expect(
      await sql(join(target, 'credentials.sqlite'), 'SELECT id FROM vault_credential'),
    ).toEqual([]);
  });

  it('imports under the other instance’s keys, keeping ids, names and dates', async () => {
    const result = ok(await runCli(['import', '--in', bundle], targetEnv, `${PASSPHRASE}\n`));
    expect(result.stdout).toContain('Imported: 4 created, 0 overwritten, 0 skipped');
    const imported = await sql<Row>(
      join(target, 'credentials.sqlite'),
      'SELECT * FROM vault_credential ORDER BY id',
    );
    expect(
      imported.map(({ id, name, workspaceId, createdDate, updatedDate }) => ({
        id,
        name,
        workspaceId,
        createdDate,
        updatedDate,
      })),
    ).toEqual(
      sourceRows.map(({ id, name, workspaceId, createdDate, updatedDate }) => ({
        id,
        name,
        workspaceId,
        createdDate,
        updatedDate,
      })),
    );
    const [dataKey] = await sql<{ masterKeyId: string }>(
      join(target, 'credentials.sqlite'),
      "SELECT masterKeyId FROM vault_workspace_data_key WHERE workspaceId = 'ws-a'",
    );
    expect(dataKey.masterKeyId).toBe('other');
    const verify = ok(await runCli(['keys:verify', '--json'], targetEnv));
    expect(JSON.parse(verify.stdout)).toMatchObject({ rows: 4, decrypted: 4, failures: [] });

    const targetServer = await startServer(targetEnv);
    try {
      const merged = await api(
        targetServer,
        'PUT',
        `/credentials/${sourceRows[0].id}`,
        sourceRows[0].workspaceId,
        {
          plainDataObj: { extra: 'x' },
        },
      );
      expect(merged.status).toBe(200);
    } finally {
      await targetServer.stop();
    }
  });

  it('handles conflicts: fail (default) imports nothing, skip and overwrite say what they did', async () => {
    const before = await sql<Row>(
      join(target, 'credentials.sqlite'),
      'SELECT * FROM vault_credential ORDER BY id',
    );
    const failed = await runCli(['import', '--in', bundle], targetEnv, `${PASSPHRASE}\n`);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('4 credential id(s) already exist here');
    expect(failed.stderr).toContain('Nothing was imported');
    expect(
      await sql<Row>(
        join(target, 'credentials.sqlite'),
        'SELECT * FROM vault_credential ORDER BY id',
      ),
    ).toEqual(before);

    const skipped = ok(
      await runCli(
        ['import', '--in', bundle, '--on-conflict', 'skip'],
        targetEnv,
        `${PASSPHRASE}\n`,
      ),
    );
    expect(skipped.stdout).toContain('0 created, 0 overwritten, 4 skipped');
    const overwritten = ok(
      await runCli(
        ['import', '--in', bundle, '--on-conflict', 'overwrite'],
        targetEnv,
        `${PASSPHRASE}\n`,
      ),
    );
    expect(overwritten.stdout).toContain('0 created, 4 overwritten, 0 skipped');

    const one = ok(
      await runCli(
        ['import', '--in', bundle, '--workspace', 'ws-new', '--on-conflict', 'skip'],
        { ...targetEnv },
        `${PASSPHRASE}\n`,
      ),
    );
    expect(one.stdout).toContain('0 created, 0 overwritten, 4 skipped');
  });

  it(
    'backup refuses on PostgreSQL, pointing to pg_dump and the keys',
    { skip: onPostgres ? false : 'PostgreSQL only: on SQLite, backup works (next test)' },
    async () => {
      const result = await runCli(['backup', '--out', join(source, 'backup.sqlite')], sourceEnv);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('does not apply to PostgreSQL: use pg_dump');
      expect(result.stderr).toContain('back up the master keys');
      expect(existsSync(join(source, 'backup.sqlite'))).toBe(false);
    },
  );

  it(
    'backup --out copies the live database; restored with its keys it serves, without them it refuses',
    { skip: sqliteOnly('VACUUM INTO copies a SQLite file') },
    async () => {
      const copy = join(source, 'backup.sqlite');
      const result = ok(await runCli(['backup', '--out', copy], sourceEnv));
      expect(result.stdout).toContain('It holds no key: back up the master keys');
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      const bytes = readFileSync(copy);
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
      expect((await runCli(['backup', '--out', copy], sourceEnv)).stderr).toContain(
        'already exists',
      );

      const restored = newDataDir();
      dirs.push(restored);
      copyFileSync(copy, join(restored, 'credentials.sqlite'));
      const refused = await startRefused({ DATA_DIR: restored });
      expect(refused.stdout + refused.stderr).toContain('is missing');
      expect(existsSync(join(restored, 'encryption.key'))).toBe(false);

      copyFileSync(join(source, 'encryption.key'), join(restored, 'encryption.key'));
      const restoredServer = await startServer({ DATA_DIR: restored });
      try {
        const merged = await api(
          restoredServer,
          'PUT',
          `/credentials/${sourceRows[1].id}`,
          sourceRows[1].workspaceId,
          {
            plainDataObj: { extra: 'y' },
          },
        );
        expect(merged.status).toBe(200);
      } finally {
        await restoredServer.stop();
      }
    },
  );
});
