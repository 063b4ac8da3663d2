import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { chmodSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { bearer, login } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';
import { sqliteOnly } from './test-store';

interface Expected {
  email: string;
  password: string;
  workspaceId: string;
  apiKey: string;
  credentials: { id: string; credentialName: string; plainDataObj: Record<string, string> }[];
}

/** test/fixtures/release-0.1: a data directory written by the release before the architecture change. */
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'release-0.1');

describe(
  'A database written by the previous release',
  { skip: sqliteOnly('the fixture is a SQLite file written by the previous release') },
  () => {
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
    let t: TestApp;
    before(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'vault-fixture-'));
      cpSync(FIXTURE, dataDir, { recursive: true });
      // Git keeps no file modes: the key files must be owner-only again, as they were made.
      for (const file of ['encryption.key', 'jwt.secret', 'credentials.sqlite']) {
        chmodSync(join(dataDir, file), 0o600);
      }
      t = await createTestApp({}, dataDir);
    });
    after(async () => {
      await t.close();
      removeDir(t.dataDir);
    });

    it('starts, signs its user in, and serves every credential with its secret intact', async () => {
      const session = await login(t, expected, expected.workspaceId);
      const list = await request(t.http())
        .get('/api/v1/credentials?page=1&limit=10')
        .set(bearer(session.accessToken));
      expect(list.status).toBe(200);
      expect(list.headers['x-total-count']).toBe(String(expected.credentials.length));
      expect((list.body as { id: string }[]).map((c) => c.id).sort()).toEqual(
        expected.credentials.map((c) => c.id).sort(),
      );
      const service = t.app.get(CredentialsService);
      for (const credential of expected.credentials) {
        expect(await service.revealPlainData(expected.workspaceId, credential.id)).toEqual(
          credential.plainDataObj,
        );
      }
    });

    it('accepts the API key it issued', async () => {
      const response = await request(t.http())
        .get('/api/v1/credentials')
        .set(bearer(expected.apiKey));
      expect(response.status).toBe(200);
      expect((response.body as unknown[]).length).toBe(expected.credentials.length);
    });

    it('carries its tables over to the vault_ names, counter triggers included', async () => {
      const dataSource = t.app.get(DataSource);
      const tables = await dataSource.query<{ name: string }[]>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      );
      const names = tables.map((table) => table.name);
      expect(names.filter((name) => !name.startsWith('vault_') && name !== 'migrations')).toEqual(
        [],
      );
      const triggers = await dataSource.query<{ tbl_name: string }[]>(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'",
      );
      // The counter's three and the usages' one on the credential table; the audited write's
      // three on its view.
      expect(triggers.map((trigger) => trigger.tbl_name).sort()).toEqual([
        ...Array<string>(3).fill('vault_audited_credential_write'),
        ...Array<string>(4).fill('vault_credential'),
      ]);
      const session = await login(t, expected, expected.workspaceId);
      const created = await request(t.http())
        .post('/api/v1/credentials')
        .set(bearer(session.accessToken))
        .send({
          name: 'After the upgrade',
          credentialName: 'openAIApi',
          plainDataObj: { openAIApiKey: 'sk-after' },
        });
      expect(created.status).toBe(201);
      const list = await request(t.http())
        .get('/api/v1/credentials?page=1&limit=1')
        .set(bearer(session.accessToken));
      expect(list.headers['x-total-count']).toBe(String(expected.credentials.length + 1));
    });
  },
);
