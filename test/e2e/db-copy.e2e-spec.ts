import { expect } from 'expect';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { newDataDir, ok, runCli } from './key-custody-harness';
import { createTestApp, removeDir } from './test-app';
import { createTestDatabase, onPostgres, postgresOnly, TestDatabase } from './test-store';

const SECRETS: Record<string, string[]> = {
  'ws-a': ['sk-a1', 'sk-a2', 'sk-a3'],
  'ws-b': ['sk-b1'],
};

async function onTarget<T>(url: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

describe(
  'npm run cli -- db:copy --to postgres://…',
  {
    skip:
      postgresOnly() ||
      (onPostgres ? 'copies a SQLite vault: runs in the SQLite pass of the e2e files' : false),
  },
  () => {
    const dir = newDataDir();
    const ids: Record<string, string[]> = {};
    const targets: TestDatabase[] = [];
    const newTarget = async () => {
      const target = await createTestDatabase();
      targets.push(target);
      return target;
    };

    before(async () => {
      const t = await createTestApp({}, dir);
      for (const [workspaceId, secrets] of Object.entries(SECRETS)) {
        ids[workspaceId] = [];
        for (const secret of secrets) {
          const created = await request(t.http())
            .post('/api/v1/credentials')
            .set('Authorization', `Bearer ${t.tokenFor({ workspaceId })}`)
            .send({
              name: secret,
              credentialName: 'openAIApi',
              plainDataObj: { openAIApiKey: secret },
            });
          expect(created.status).toBe(201);
          ids[workspaceId].push((created.body as { id: string }).id);
        }
      }
      await t.close();
    });
    after(async () => {
      removeDir(dir);
      await Promise.all(targets.map((target) => target.drop()));
    });

    it('moves every row as it is, checks counts and keys, and the vault serves from PostgreSQL', async () => {
      const target = await newTarget();
      const copy = ok(await runCli(['db:copy', '--to', target.url], { DATA_DIR: dir }));
      expect(copy.stdout).toContain('vault_credential             4 → 4');
      expect(copy.stdout).toContain('keys:verify: clean');
      expect(copy.stdout).toContain('db:copy: done');
      expect(`${copy.stdout}${copy.stderr}`).not.toContain('sk-a1');

      const t = await createTestApp({ DATABASE_URL: target.url }, dir);
      try {
        const list = await request(t.http())
          .get('/api/v1/credentials?page=1&limit=10')
          .set('Authorization', `Bearer ${t.tokenFor({ workspaceId: 'ws-a' })}`);
        expect(list.status).toBe(200);
        expect(list.headers['x-total-count']).toBe('3');
        const service = t.app.get(CredentialsService);
        for (const [workspaceId, secrets] of Object.entries(SECRETS)) {
          for (const [index, secret] of secrets.entries()) {
            expect(await service.revealPlainData(workspaceId, ids[workspaceId][index])).toEqual({
              openAIApiKey: secret,
            });
          }
        }
      } finally {
        await t.close();
      }
      // A finished copy is a vault like any other: copying into it again is refused.
      const again = await runCli(['db:copy', '--to', target.url], { DATA_DIR: dir });
      expect(again.code).toBe(1);
      expect(again.stderr + again.stdout).toContain('The target database is not empty');
    });

    it('finishes an interrupted copy when run again', async () => {
      const target = await newTarget();
      ok(await runCli(['db:copy', '--to', target.url], { DATA_DIR: dir }));
      // As a copy killed midway leaves it: the marker naming this vault, rows missing.
      const [canary] = await onTarget<{ value: string }>(
        target.url,
        "SELECT value FROM vault_meta WHERE key = 'encryption-canary'",
      );
      await onTarget(target.url, 'INSERT INTO vault_meta (key, value) VALUES ($1, $2)', [
        'db_copy_source',
        createHash('sha256').update(canary.value).digest('hex'),
      ]);
      await onTarget(target.url, 'DELETE FROM vault_credential WHERE id = ANY($1)', [
        ids['ws-a'].slice(1),
      ]);

      const resumed = ok(await runCli(['db:copy', '--to', target.url], { DATA_DIR: dir }));
      expect(resumed.stdout).toContain('vault_credential             4 → 4');
      expect(resumed.stdout).toContain('keys:verify: clean');
      const [count] = await onTarget<{ total: number }>(
        target.url,
        `SELECT total FROM vault_credential_count WHERE "workspaceId" = 'ws-a'`,
      );
      expect(count.total).toBe(3);
    });

    it("refuses a target that holds another vault's rows, and writes nothing to it", async () => {
      const target = await newTarget();
      const other = newDataDir();
      try {
        const t = await createTestApp({ DATABASE_URL: target.url }, other);
        await t.close();
      } finally {
        removeDir(other);
      }
      const before = await onTarget(target.url, 'SELECT key FROM vault_meta ORDER BY key');
      const refused = await runCli(['db:copy', '--to', target.url], { DATA_DIR: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr + refused.stdout).toContain('The target database is not empty');
      expect(await onTarget(target.url, 'SELECT key FROM vault_meta ORDER BY key')).toEqual(before);
      expect(await onTarget(target.url, 'SELECT id FROM vault_credential')).toEqual([]);
    });
  },
);
