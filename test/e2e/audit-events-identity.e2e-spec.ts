import { AuditEventRow } from './audit-event-row';
import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { within } from './eventually';
import {
  bearer,
  bodyOf,
  createUser,
  createWorkspace,
  emailValue,
  login,
  LoginBody,
} from './identity';
import { SecretLedger } from './leak-scan';
import { querySql } from './portable-sql';
import { createTestApp, removeDir, TestApp } from './test-app';

const EVENTS = '/api/v1/audit-events';

interface EventBody {
  action: string;
  workspaceId: string | null;
  actor: { type: string; id: string | null };
  target: { type: string; id?: string; name?: string } | null;
  outcome: string;
  details: Record<string, unknown> | null;
  sourceAddress: string | null;
}

describe('Audit trail: sign-in, sessions, API keys, members and workspaces', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const server = () => request(t.http());

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    // Nothing secret anywhere in the trail, nor in the logs.
    const rows = await querySql(t.app.get(DataSource), 'SELECT * FROM vault_audit_event');
    ledger.expectAbsentFrom(JSON.stringify(rows), 'the audit events');
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  /** A workspace's owner, with a session of its own that only reads the trail. */
  async function team(name = 'Audited team') {
    const { workspaceId, owner } = await createWorkspace(t, name);
    ledger.add(owner.password);
    const reader = await signIn(owner, workspaceId);
    return { workspaceId, owner, reader: reader.accessToken };
  }

  async function signIn(user: { email: string; password: string }, workspaceId?: string) {
    const session = await login(t, user, workspaceId);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    return session;
  }

  async function events(token: string, query: string): Promise<EventBody[]> {
    const response = await server().get(`${EVENTS}${query}`).set(bearer(token));
    expect(response.status).toBe(200);
    ledger.expectResponseClean(response, `GET ${EVENTS}${query}`);
    return bodyOf<{ events: EventBody[] }>(response).events;
  }

  /** Events of no workspace (or of a deleted one): only the database (and the export) has them. */
  async function rows(action: string): Promise<AuditEventRow[]> {
    return querySql<AuditEventRow[]>(
      t.app.get(DataSource),
      'SELECT action, workspaceId, actorType, actorId, targetType, targetId, outcome, details ' +
        'FROM vault_audit_event WHERE action = ? ORDER BY seq',
      [action],
    );
  }

  it('records sign-in succeeded and failed, never the typed email or password', async () => {
    const { workspaceId, owner, reader } = await team();
    const session = await signIn(owner, workspaceId);
    const wrong = ledger.add(`wrong-${owner.password}`);
    const refused = await server()
      .post('/api/v1/auth/login')
      .set('User-Agent', 'audit-identity/1.0')
      .send({ email: owner.email, password: wrong });
    expect(refused.status).toBe(401);
    const stranger = ledger.add(emailValue('nobody'));
    const unknown = await server()
      .post('/api/v1/auth/login')
      .send({ email: stranger, password: ledger.add(`pw-${stranger}`) });
    expect(unknown.status).toBe(401);

    const succeeded = await events(reader, '?action=auth.login.succeeded');
    expect(succeeded[0]).toMatchObject({
      workspaceId,
      actor: { type: 'user', id: owner.id },
      target: { type: 'user', id: owner.id },
      outcome: 'success',
      details: { sessionId: sidOf(session) },
    });
    const failed = await events(reader, '?action=auth.login.failed');
    expect(failed).toEqual([
      expect.objectContaining({
        workspaceId,
        actor: { type: 'user', id: owner.id },
        target: { type: 'user', id: owner.id },
        outcome: 'denied',
        details: { reason: 'wrongPassword' },
        sourceAddress: expect.any(String),
      }),
    ]);
    const nobody = (await rows('auth.login.failed')).filter((row) => row.actorId === null);
    expect(nobody.at(-1)).toMatchObject({
      workspaceId: null,
      actorType: 'user',
      targetType: null,
      outcome: 'denied',
    });
    expect(JSON.parse(nobody.at(-1)!.details!)).toEqual({ reason: 'unknownUser' });
    const everything = JSON.stringify(
      await querySql(t.app.get(DataSource), 'SELECT * FROM vault_audit_event'),
    );
    expect(everything).not.toContain(stranger);
    expect(everything).not.toContain(owner.email);
  });

  it('records logout, refresh-token reuse (denied) and a password change', async () => {
    const { workspaceId, owner, reader } = await team();
    const ended = await signIn(owner, workspaceId);
    const logout = await server()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: ended.refreshToken });
    expect(logout.status).toBe(204);

    const replayed = await signIn(owner, workspaceId);
    const rotated = await server()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: replayed.refreshToken });
    expect(rotated.status).toBe(200);
    ledger.add(bodyOf<LoginBody>(rotated).accessToken);
    ledger.add(bodyOf<LoginBody>(rotated).refreshToken);
    const reuse = await server()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: replayed.refreshToken });
    expect(reuse.status).toBe(401);

    const session = { type: 'session' };
    expect(await events(reader, '?action=auth.logout')).toEqual([
      expect.objectContaining({
        workspaceId,
        actor: { type: 'user', id: owner.id },
        target: { ...session, id: sidOf(ended) },
        outcome: 'success',
      }),
    ]);
    expect(await events(reader, '?action=auth.refresh.reused')).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: owner.id },
        target: { ...session, id: sidOf(replayed) },
        outcome: 'denied',
      }),
    ]);

    const newPassword = ledger.add(`${owner.password}-new`);
    const changed = await server()
      .post('/api/v1/auth/password')
      .set(bearer(reader))
      .send({ currentPassword: owner.password, newPassword });
    expect(changed.status).toBe(204);
    // The change ended every session, the reader's too: sign in again to read.
    const again = await signIn({ email: owner.email, password: newPassword }, workspaceId);
    expect(await events(again.accessToken, '?action=user.password.changed')).toEqual([
      expect.objectContaining({
        workspaceId,
        actor: { type: 'user', id: owner.id },
        target: { type: 'user', id: owner.id },
        outcome: 'success',
        details: { sessionsRevoked: 1 },
      }),
    ]);
  });

  it('records API key created, first used (once, by the key) and revoked', async () => {
    const { workspaceId, owner, reader } = await team();
    const created = await server()
      .post(`/api/v1/workspaces/${workspaceId}/api-keys`)
      .set(bearer(reader))
      .send({ name: 'CI deploy', permissions: ['credentials:view'] });
    expect(created.status).toBe(201);
    const key = bodyOf<{ id: string; key: string; prefix: string }>(created);
    ledger.add(key.key);
    for (let i = 0; i < 3; i++) {
      const used = await server().get('/api/v1/credentials').set(bearer(key.key));
      expect([used.status, used.body]).toEqual([200, []]);
    }
    await within(5000, async () => (await events(reader, '?action=apiKey.firstUsed')).length > 0);
    const revoked = await server()
      .delete(`/api/v1/workspaces/${workspaceId}/api-keys/${key.id}`)
      .set(bearer(reader));
    expect(revoked.status).toBe(204);

    const trail = await events(reader, '?targetType=apiKey');
    expect(trail.map((event) => event.action)).toEqual([
      'apiKey.revoked',
      'apiKey.firstUsed',
      'apiKey.created',
    ]);
    const target = { type: 'apiKey', id: key.id, name: 'CI deploy' };
    expect(trail[2]).toMatchObject({
      actor: { type: 'user', id: owner.id },
      target,
      details: { permissions: ['credentials:view'], expiresAt: null },
    });
    expect(trail[1]).toMatchObject({ actor: { type: 'apiKey', id: key.id }, target });
    expect(trail[0]).toMatchObject({ actor: { type: 'user', id: owner.id }, target });
    expect(JSON.stringify(trail)).not.toContain(key.prefix);
  });

  it('records members added, re-roled and removed, and workspaces created and deleted', async () => {
    const { workspaceId, owner, reader } = await team();
    const member = await createUser(t);
    ledger.add(member.password);
    const members = `/api/v1/workspaces/${workspaceId}/members`;
    const added = await server()
      .post(members)
      .set(bearer(reader))
      .send({ userId: member.id, role: 'viewer' });
    expect(added.status).toBe(201);
    const rerole = await server()
      .patch(`${members}/${member.id}`)
      .set(bearer(reader))
      .send({ role: 'editor' });
    expect(rerole.status).toBe(200);
    expect((await server().delete(`${members}/${member.id}`).set(bearer(reader))).status).toBe(204);
    const user = { type: 'user', id: member.id };
    const actor = { type: 'user', id: owner.id };
    const trail = await events(reader, `?targetId=${member.id}`);
    expect(trail).toEqual([
      expect.objectContaining({
        action: 'member.removed',
        actor,
        target: user,
        details: { role: 'editor' },
      }),
      expect.objectContaining({
        action: 'member.roleChanged',
        actor,
        target: user,
        details: { from: 'viewer', to: 'editor' },
      }),
      expect.objectContaining({
        action: 'member.added',
        actor,
        target: user,
        details: { role: 'viewer' },
      }),
    ]);

    const made = await server()
      .post('/api/v1/workspaces')
      .set(bearer(reader))
      .send({ name: 'Spare' });
    expect(made.status).toBe(201);
    const spare = bodyOf<{ id: string }>(made).id;
    const inSpare = await signIn(owner, spare);
    expect(await events(inSpare.accessToken, '?action=workspace.created')).toEqual([
      expect.objectContaining({
        workspaceId: spare,
        actor,
        target: { type: 'workspace', id: spare, name: 'Spare' },
        outcome: 'success',
      }),
    ]);
    expect((await server().delete(`/api/v1/workspaces/${spare}`).set(bearer(reader))).status).toBe(
      204,
    );
    // The workspace is gone, so its trail is read where the export reads it.
    expect((await rows('workspace.deleted')).filter((row) => row.workspaceId === spare)).toEqual([
      expect.objectContaining({
        actorType: 'user',
        actorId: owner.id,
        targetType: 'workspace',
        targetId: spare,
        outcome: 'success',
      }),
    ]);
  });

  it('refuses a member change whose event cannot be written, and changes nothing', async () => {
    const { workspaceId, reader } = await team();
    const member = await createUser(t);
    ledger.add(member.password);
    const dataSource = t.app.get(DataSource);
    await refuseAuditInserts(dataSource, true);
    try {
      const added = await server()
        .post(`/api/v1/workspaces/${workspaceId}/members`)
        .set(bearer(reader))
        .send({ userId: member.id, role: 'viewer' });
      expect(added.status).toBe(500);
      const key = await server()
        .post(`/api/v1/workspaces/${workspaceId}/api-keys`)
        .set(bearer(reader))
        .send({ name: 'Never', permissions: ['credentials:view'] });
      expect(key.status).toBe(500);
    } finally {
      await refuseAuditInserts(dataSource, false);
    }
    const listed = await server()
      .get(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(reader));
    expect(bodyOf<{ userId: string }[]>(listed).map((m) => m.userId)).not.toContain(member.id);
    const keys = await server()
      .get(`/api/v1/workspaces/${workspaceId}/api-keys`)
      .set(bearer(reader));
    expect(keys.body).toEqual([]);
  });
});

/** The session id (`sid` claim) of a sign-in's access token. */
function sidOf(session: LoginBody): string {
  const payload = session.accessToken.split('.')[1];
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid: string }).sid;
}

/** A hand-written trigger that makes every insert of an audit event fail (or drops it). */
async function refuseAuditInserts(dataSource: DataSource, refuse: boolean): Promise<void> {
  const postgres = dataSource.options.type === 'postgres';
  if (!refuse) {
    await dataSource.query(
      postgres
        ? 'DROP TRIGGER IF EXISTS refuse_audit_identity ON vault_audit_event'
        : 'DROP TRIGGER IF EXISTS refuse_audit_identity',
    );
    return;
  }
  if (postgres) {
    await dataSource.query(
      `CREATE OR REPLACE FUNCTION refuse_audit_identity() RETURNS trigger AS $$ BEGIN ` +
        `RAISE EXCEPTION 'audit insert refused by test'; END $$ LANGUAGE plpgsql`,
    );
    await dataSource.query(
      'CREATE TRIGGER refuse_audit_identity BEFORE INSERT ON vault_audit_event ' +
        'FOR EACH ROW EXECUTE FUNCTION refuse_audit_identity()',
    );
  } else {
    await dataSource.query(
      'CREATE TRIGGER refuse_audit_identity BEFORE INSERT ON vault_audit_event ' +
        "BEGIN SELECT RAISE(ABORT, 'audit insert refused by test'); END",
    );
  }
}
