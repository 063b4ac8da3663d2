import { expect } from 'expect';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCredentialBody, secretValue } from './factories';
import { bearer, createUser, createWorkspace, login } from './identity';
import { SecretLedger } from './leak-scan';
import { querySql } from './portable-sql';
import { createTestApp, removeDir, TestApp } from './test-app';

const CREDENTIALS = '/api/v1/credentials';
const EVENTS = '/api/v1/audit-events';

interface EventBody {
  id: string;
  seq: number;
  action: string;
  workspaceId: string;
  actor: { type: string; id: string | null };
  target: { type: string; id?: string; name?: string; credentialName?: string } | null;
  outcome: string;
  details: Record<string, unknown> | null;
  requestId: string | null;
  userAgent: string | null;
}

describe('Audit trail: credential events, reading them, failing closed', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const server = () => request(t.http());

  before(async () => {
    t = await createTestApp();
  });
  afterEach(() => dropRefusal(t.app.get(DataSource)));
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  /** A new workspace's owner, signed in (owners have audit:view). */
  async function owner(): Promise<{ workspaceId: string; token: string; userId: string }> {
    const { workspaceId, owner: user } = await createWorkspace(t, 'Audited');
    ledger.add(user.password);
    const session = await login(t, user, workspaceId);
    return { workspaceId, token: ledger.add(session.accessToken), userId: user.id };
  }

  async function events(token: string, query = ''): Promise<EventBody[]> {
    const response = await server().get(`${EVENTS}${query}`).set(bearer(token));
    expect(response.status).toBe(200);
    ledger.expectResponseClean(response, `GET ${EVENTS}${query}`);
    return (response.body as { events: EventBody[] }).events;
  }

  it('records create, update (changed key names only) and delete with actor and target', async () => {
    const { workspaceId, token, userId } = await owner();
    const first = ledger.add(secretValue());
    const created = await server()
      .post(CREDENTIALS)
      .set(bearer(token))
      .set('User-Agent', 'audit-e2e/1.0')
      .set('X-Request-Id', 'req-audit-create')
      .send(createCredentialBody({ name: 'Prod key', plainDataObj: { openAIApiKey: first } }));
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const second = ledger.add(secretValue());
    const updated = await server()
      .put(`${CREDENTIALS}/${id}`)
      .set(bearer(token))
      .send({ name: 'Prod key 2', plainDataObj: { openAIApiKey: second } });
    expect(updated.status).toBe(200);
    expect((await server().delete(`${CREDENTIALS}/${id}`).set(bearer(token))).status).toBe(200);

    // Only the credential's events: signing in and the workspace have theirs too.
    const trail = await events(token, '?targetType=credential');
    expect(trail.map((event) => event.action)).toEqual([
      'credential.deleted',
      'credential.updated',
      'credential.created',
    ]);
    for (const event of trail) {
      expect(event).toMatchObject({
        workspaceId,
        actor: { type: 'user', id: userId },
        target: { type: 'credential', id, credentialName: 'openAIApi' },
        outcome: 'success',
      });
    }
    expect(trail[2]).toMatchObject({
      requestId: 'req-audit-create',
      userAgent: 'audit-e2e/1.0',
      target: { name: 'Prod key' },
    });
    expect(trail[1].details).toEqual({ changedKeys: ['openAIApiKey'], renamed: true });
    expect(trail[0].target?.name).toBe('Prod key 2');
  });

  it('refuses a write whose event cannot be recorded, and leaves nothing behind', async () => {
    const { workspaceId, token } = await owner();
    const dataSource = t.app.get(DataSource);
    const kept = await server().post(CREDENTIALS).set(bearer(token)).send(createCredentialBody());
    const keptId = (kept.body as { id: string }).id;
    const before = await countEvents(dataSource);
    await installRefusal(dataSource);

    const refused = await server()
      .post(CREDENTIALS)
      .set(bearer(token))
      .send(createCredentialBody({ name: 'Never stored' }));
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({
      statusCode: 500,
      message: expect.stringMatching(
        /audit trail could not record this operation.*Nothing was changed/,
      ),
    });
    const update = await server()
      .put(`${CREDENTIALS}/${keptId}`)
      .set(bearer(token))
      .send({ name: 'Renamed' });
    expect(update.status).toBe(500);
    expect((await server().delete(`${CREDENTIALS}/${keptId}`).set(bearer(token))).status).toBe(500);

    await dropRefusal(dataSource);
    const rows = await querySql<{ name: string }[]>(
      dataSource,
      'SELECT name FROM vault_credential WHERE workspaceId = ?',
      [workspaceId],
    );
    expect(rows.map((row) => row.name)).toEqual(['My OpenAI Key']);
    expect(await countEvents(dataSource)).toBe(before);
  });

  it("shows the trail only to audit:view, only of the caller's workspace", async () => {
    const a = await owner();
    const b = await owner();
    await server().post(CREDENTIALS).set(bearer(a.token)).send(createCredentialBody());
    expect(await events(b.token, '?targetType=credential')).toEqual([]);
    const editor = await createUser(t, { workspaceId: a.workspaceId, role: 'editor' });
    ledger.add(editor.password);
    const session = await login(t, editor, a.workspaceId);
    const denied = await server()
      .get(EVENTS)
      .set(bearer(ledger.add(session.accessToken)));
    expect(denied.status).toBe(403);
    expect((await server().get(EVENTS)).status).toBe(401);
    const minted = t.tokenFor({ workspaceId: a.workspaceId });
    expect((await server().get(EVENTS).set(bearer(minted))).status).toBe(403);
  });

  it('filters and pages newest first with a cursor', async () => {
    const { token } = await owner();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await server()
        .post(CREDENTIALS)
        .set(bearer(token))
        .send(createCredentialBody({ name: `Key ${i}` }));
      ids.push((created.body as { id: string }).id);
    }
    await server().delete(`${CREDENTIALS}/${ids[0]}`).set(bearer(token));

    const firstPage = await server()
      .get(`${EVENTS}?limit=2&targetType=credential`)
      .set(bearer(token));
    const page1 = firstPage.body as { events: EventBody[]; nextCursor?: string };
    expect(page1.events.map((event) => event.action)).toEqual([
      'credential.deleted',
      'credential.created',
    ]);
    expect(page1.nextCursor).toBeDefined();
    const rest = await events(token, `?limit=10&targetType=credential&cursor=${page1.nextCursor}`);
    expect(rest.map((event) => event.target?.name)).toEqual(['Key 3', 'Key 2', 'Key 1', 'Key 0']);
    expect(
      (await events(token, '?action=credential.deleted')).map((event) => event.target?.id),
    ).toEqual([ids[0]]);
    expect(await events(token, `?targetId=${ids[2]}`)).toHaveLength(1);
    expect(await events(token, '?outcome=denied')).toEqual([]);
    expect(await events(token, '?until=2000-01-01T00:00:00Z')).toEqual([]);
    expect(
      await events(token, '?since=2000-01-01T00:00:00Z&actorType=user&targetType=credential'),
    ).toHaveLength(6);
    const bad = await server().get(`${EVENTS}?outcome=maybe&cursor=abc`).set(bearer(token));
    expect(bad.status).toBe(400);
  });
});

async function countEvents(dataSource: DataSource): Promise<number> {
  const [row] = await querySql<{ n: number }[]>(
    dataSource,
    'SELECT COUNT(*) AS n FROM vault_audit_event',
  );
  return Number(row.n);
}

/** A trigger, written by hand, that makes every insert of an audit event fail. */
async function installRefusal(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === 'postgres') {
    await dataSource.query(
      `CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN ` +
        `RAISE EXCEPTION 'audit insert refused by test'; END $$ LANGUAGE plpgsql`,
    );
    await dataSource.query(
      'CREATE TRIGGER refuse_audit BEFORE INSERT ON vault_audit_event ' +
        'FOR EACH ROW EXECUTE FUNCTION refuse_audit()',
    );
  } else {
    await dataSource.query(
      'CREATE TRIGGER refuse_audit BEFORE INSERT ON vault_audit_event ' +
        "BEGIN SELECT RAISE(ABORT, 'audit insert refused by test'); END",
    );
  }
}

async function dropRefusal(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    dataSource.options.type === 'postgres'
      ? 'DROP TRIGGER IF EXISTS refuse_audit ON vault_audit_event'
      : 'DROP TRIGGER IF EXISTS refuse_audit',
  );
}
