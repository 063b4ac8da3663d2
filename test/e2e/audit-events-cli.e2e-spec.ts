import { AuditEventRow } from './audit-event-row';
import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onPostgres } from './test-store';
import { api, newDataDir, ok, removeDir, runCli, sql, startServer } from './key-custody-harness';

const PASSPHRASE = 'audit-cli-passphrase-0123456789';

describe('Audit trail: key operations, export, import and backup by the CLI', () => {
  const dir = newDataDir();
  const env = { DATA_DIR: dir };
  const secret = `sk-audit-cli-${randomUUID()}`;
  const database = join(dir, 'credentials.sqlite');
  const events = (action: string) =>
    sql<AuditEventRow>(
      database,
      'SELECT action, workspaceId, actorType, actorId, targetType, targetId, outcome, details ' +
        'FROM vault_audit_event WHERE action = ? ORDER BY seq',
      [action],
    );

  before(async () => {
    const server = await startServer(env);
    try {
      const created = await api(server, 'POST', '/credentials', 'ws-a', {
        name: 'OpenAI',
        credentialName: 'keyCustodyTest',
        plainDataObj: { openAIApiKey: secret },
      });
      expect(created.status).toBe(201);
    } finally {
      await server.stop();
    }
  });
  after(() => removeDir(dir));

  it('records data and master rotations, started and finished, with the cli actor', async () => {
    ok(await runCli(['keys:rotate-data', '--workspace', 'ws-a'], env));
    ok(await runCli(['keys:rotate-master', '--kid', 'second'], env));
    const cli = { actorType: 'cli', actorId: null, outcome: 'success' };
    expect(await events('key.dataRotation.started')).toEqual([
      expect.objectContaining({ ...cli, workspaceId: 'ws-a', targetType: 'dataKey' }),
    ]);
    const [finished] = await events('key.dataRotation.finished');
    expect(finished).toMatchObject({ ...cli, workspaceId: 'ws-a', targetId: 'ws-a/v2' });
    expect(JSON.parse(finished.details!)).toEqual({ version: 2, reencrypted: 1, failures: 0 });
    for (const action of ['key.masterRotation.started', 'key.masterRotation.finished']) {
      expect(await events(action)).toEqual([
        expect.objectContaining({
          ...cli,
          workspaceId: null,
          targetType: 'masterKey',
          targetId: 'second',
        }),
      ]);
    }
  });

  it('records export, import and (SQLite) backup, and never a secret or passphrase', async () => {
    const bundle = join(dir, 'all.bundle');
    ok(await runCli(['export', '--out', bundle], env, `${PASSPHRASE}\n`));
    ok(
      await runCli(
        ['import', '--in', bundle, '--on-conflict', 'overwrite'],
        env,
        `${PASSPHRASE}\n`,
      ),
    );
    const [exported] = await events('credentials.exported');
    expect(exported).toMatchObject({ actorType: 'cli', workspaceId: 'ws-a', outcome: 'success' });
    expect(JSON.parse(exported.details!)).toEqual({ credentials: 1, scope: 'vault' });
    const [imported] = await events('credentials.imported');
    expect(JSON.parse(imported.details!)).toEqual({ created: 0, overwritten: 1 });
    if (onPostgres) {
      console.log('backup is SQLite-only (VACUUM INTO): its event is checked in the SQLite pass');
    } else {
      ok(await runCli(['backup', '--out', join(dir, 'copy.sqlite')], env));
      expect(await events('database.backedUp')).toEqual([
        expect.objectContaining({ actorType: 'cli', workspaceId: null, targetType: 'database' }),
      ]);
    }
    const everything = JSON.stringify(await sql(database, 'SELECT * FROM vault_audit_event'));
    const keyFile = readFileSync(join(dir, 'encryption.key'), 'utf8').trim();
    for (const forbidden of [secret, PASSPHRASE, keyFile]) {
      expect(everything).not.toContain(forbidden);
    }
  });
});
