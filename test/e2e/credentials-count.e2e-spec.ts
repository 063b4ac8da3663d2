import { expect } from 'expect';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource, Like } from 'typeorm';
import { CredentialEntity } from '../../src/credentials/credential.entity';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { CredentialTransferService } from '../../src/credentials/credential-transfer.service';
import { BundledCredential, openBundle, sealBundle } from '../../src/portability/sealed-bundle';
import { createCredentialBody, secretValue } from './factories';
import { bearer, createWorkspace, identitySuite, login } from './identity';
import { randomWorkspaceId, TestApp } from './test-app';
import { querySql } from './portable-sql';

const PASSPHRASE = 'a long bundle passphrase 4417';

/**
 * The unfiltered page's X-Total-Count comes from credential_count, which triggers keep: every
 * write path must leave it equal to the rows the workspace really holds.
 */
describe('X-Total-Count from the per-workspace counter', () => {
  let t: TestApp;
  const ledger = identitySuite((testApp) => (t = testApp));

  const api = () => request(t.http());
  const as = (workspaceId: string) => bearer(t.tokenFor({ workspaceId }));

  async function create(
    workspaceId: string,
    overrides: Parameters<typeof createCredentialBody>[0] = {},
  ): Promise<string> {
    const body = createCredentialBody({
      plainDataObj: { openAIApiKey: ledger.add(secretValue()) },
      ...overrides,
    });
    const response = await api().post('/api/v1/credentials').set(as(workspaceId)).send(body);
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  async function remove(workspaceId: string, id: string): Promise<void> {
    const response = await api().delete(`/api/v1/credentials/${id}`).set(as(workspaceId));
    expect(response.status).toBe(200);
  }

  async function totalOf(workspaceId: string, filter = ''): Promise<number> {
    const response = await api().get(`/api/v1/credentials?limit=1${filter}`).set(as(workspaceId));
    expect(response.status).toBe(200);
    return Number(response.headers['x-total-count']);
  }

  /** The header matches both the expected number and the rows an unpaged list returns. */
  async function expectTotal(workspaceId: string, expected: number): Promise<void> {
    const all = await api().get('/api/v1/credentials').set(as(workspaceId));
    expect({
      workspaceId,
      header: await totalOf(workspaceId),
      rows: (all.body as []).length,
    }).toEqual({ workspaceId, header: expected, rows: expected });
  }

  const counterRow = (workspaceId: string) =>
    querySql(
      t.app.get(DataSource),
      'SELECT total FROM vault_credential_count WHERE workspaceId = ?',
      [workspaceId],
    );

  it('counts creates and deletes per workspace; refused writes change nothing', async () => {
    const [a, b] = [randomWorkspaceId(), randomWorkspaceId()];
    const ids = [await create(a), await create(a), await create(a)];
    await create(b);
    await create(b);
    await expectTotal(a, 3);
    await expectTotal(b, 2);

    await remove(a, ids[0]);
    await expectTotal(a, 2);
    await expectTotal(b, 2);

    // A 409 (id taken) and 404s (already deleted, another workspace's id) write nothing.
    const taken = await api()
      .post('/api/v1/credentials')
      .set(as(b))
      .send(createCredentialBody({ id: ids[1] }));
    expect(taken.status).toBe(409);
    expect((await api().delete(`/api/v1/credentials/${ids[0]}`).set(as(a))).status).toBe(404);
    expect((await api().delete(`/api/v1/credentials/${ids[1]}`).set(as(b))).status).toBe(404);
    await expectTotal(a, 2);
    await expectTotal(b, 2);

    await remove(a, ids[1]);
    await remove(a, ids[2]);
    await expectTotal(a, 0);
    expect(await counterRow(a)).toEqual([]);
    await expectTotal(b, 2);
    expect(await totalOf(randomWorkspaceId())).toBe(0);
  });

  it('keeps a filtered total exact (counted, not the counter)', async () => {
    const workspaceId = randomWorkspaceId();
    for (let i = 0; i < 3; i++) {
      await create(workspaceId);
    }
    const anthropic = { anthropicApiKey: ledger.add(secretValue()) };
    await create(workspaceId, { credentialName: 'anthropicApi', plainDataObj: anthropic });
    await create(workspaceId, { credentialName: 'anthropicApi', plainDataObj: { ...anthropic } });
    await expectTotal(workspaceId, 5);
    expect(await totalOf(workspaceId, '&credentialName=anthropicApi')).toBe(2);
    expect(await totalOf(workspaceId, '&credentialName=openAIApi')).toBe(3);
    expect(
      await totalOf(workspaceId, '&credentialName=openAIApi&credentialName=anthropicApi'),
    ).toBe(5);
    expect(await totalOf(workspaceId, '&credentialName=serpApi')).toBe(0);
  });

  it('counts an imported bundle once, also when it is imported again over itself', async () => {
    const [a, c, untouched] = [randomWorkspaceId(), randomWorkspaceId(), randomWorkspaceId()];
    const exported = [await create(a), await create(a)];
    await create(untouched);
    const transfer = t.app.get(CredentialTransferService);
    const now = new Date().toISOString();
    const fresh: BundledCredential[] = Array.from({ length: 3 }, (_, i) => ({
      id: randomUUID(),
      name: `Imported ${i}`,
      credentialName: 'openAIApi',
      workspaceId: c,
      createdDate: now,
      updatedDate: now,
      plainDataJson: JSON.stringify({ openAIApiKey: ledger.add(secretValue()) }),
    }));
    const sealed = await sealBundle([...(await transfer.exportAll(a)), ...fresh], PASSPHRASE);
    const { credentials } = await openBundle(sealed, PASSPHRASE);
    for (const id of exported) {
      await remove(a, id);
    }
    await expectTotal(a, 0);

    const first = await transfer.importAll(credentials, { onConflict: 'fail' });
    expect(first).toMatchObject({ created: 5, overwritten: 0 });
    await expectTotal(a, 2);
    await expectTotal(c, 3);

    // Overwriting assigns workspaceId again, unchanged: the rows must not be counted twice.
    const again = await transfer.importAll(credentials, { onConflict: 'overwrite' });
    expect(again).toMatchObject({ created: 0, overwritten: 5 });
    await expectTotal(a, 2);
    await expectTotal(c, 3);
    await expectTotal(untouched, 1);
  });

  it('drops the count with a deleted workspace, whose id never holds credentials again', async () => {
    const { workspaceId, owner } = await createWorkspace(t, 'Doomed');
    const other = await createWorkspace(t, 'Kept');
    for (let i = 0; i < 3; i++) {
      await create(workspaceId);
    }
    await create(other.workspaceId);
    await expectTotal(workspaceId, 3);

    ledger.add(owner.password);
    const session = await login(t, owner, workspaceId);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    const deleted = await api()
      .delete(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(session.accessToken));
    expect(deleted.status).toBe(204);
    expect(await counterRow(workspaceId)).toEqual([]);
    const [left] = await querySql<{ n: number }[]>(
      t.app.get(DataSource),
      'SELECT COUNT(*) AS n FROM vault_credential WHERE workspaceId = ?',
      [workspaceId],
    );
    expect(Number(left.n)).toBe(0);
    await expectTotal(other.workspaceId, 1);

    // A tombstone keeps the id closed: a token naming it is refused, and nothing is counted.
    const refused = await api()
      .post('/api/v1/credentials')
      .set(bearer(t.tokenFor({ workspaceId })))
      .send(createCredentialBody());
    expect(refused.status).toBe(401);
    expect(await counterRow(workspaceId)).toEqual([]);
  });

  it('stays exact under 50 concurrent creates while another connection writes too', async () => {
    const [workspaceId, neighbour] = [randomWorkspaceId(), randomWorkspaceId()];
    await create(neighbour);
    // A second connection, as the CLI or another server process would hold: SQLite serialises
    // the two writers, and each trigger runs inside its own writer's statement.
    const second = new DataSource(dataSourceOptions(t.config));
    await second.initialize();
    try {
      const direct = second.getRepository(CredentialEntity);
      const now = new Date();
      const [ids] = await Promise.all([
        Promise.all(Array.from({ length: 50 }, () => create(workspaceId))),
        Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            direct.insert({
              id: randomUUID(),
              workspaceId,
              name: `Direct ${i}`,
              credentialName: 'openAIApi',
              encryptedData: 'v1.never-decrypted',
              createdDate: now,
              updatedDate: now,
              version: 1,
            }),
          ),
        ),
      ]);
      await expectTotal(workspaceId, 70);
      await Promise.all([
        ...ids.slice(0, 25).map((id) => remove(workspaceId, id)),
        direct.delete({ workspaceId, name: Like('Direct %') }),
      ]);
      await expectTotal(workspaceId, 25);
    } finally {
      await second.destroy();
    }
    await expectTotal(neighbour, 1);
  });
});
