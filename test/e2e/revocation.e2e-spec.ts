import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createCredentialBody } from './factories';
import {
  bearer,
  createUser,
  createWorkspace,
  identitySuite,
  login,
  messageOf,
  passwordValue,
  signedInOwner,
} from './identity';
import { SecretLedger } from './leak-scan';
import { within } from './eventually';
import { UsersService } from '../../src/users/users.service';
import { WorkspaceService } from '../../src/workspace/workspace.service';
import { createTestApp, removeDir, TestApp } from './test-app';

const REVOKED = 'Token revoked: its session ended or its user left the workspace';

describe('Access tokens follow revocations at once', () => {
  let t: TestApp;
  const ledger = identitySuite((testApp) => (t = testApp));
  const api = () => request(t.http());

  async function member(role: 'owner' | 'editor' | 'viewer' = 'editor') {
    const { workspaceId, owner } = await createWorkspace(t, 'Revocations');
    ledger.add(owner.password);
    const ownerSession = await login(t, owner);
    ledger.add(ownerSession.accessToken);
    ledger.add(ownerSession.refreshToken);
    const user = await createUser(t, { workspaceId, role });
    ledger.add(user.password);
    const session = await login(t, user);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    return { workspaceId, user, session, ownerToken: ownerSession.accessToken };
  }

  const create = (token: string) =>
    api().post('/api/v1/credentials').set(bearer(token)).send(createCredentialBody());
  const list = (token: string) => api().get('/api/v1/credentials').set(bearer(token));

  it('refuses the access token of a session that logged out', async () => {
    const { session } = await member();
    expect((await list(session.accessToken)).status).toBe(200);
    const out = await api()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken });
    expect(out.status).toBe(204);
    const after = await list(session.accessToken);
    expect(after.status).toBe(401);
    expect(messageOf(after)).toBe(REVOKED);
  });

  it('leaves the other sessions of the same user alone', async () => {
    const { user, session } = await member();
    const other = await login(t, user);
    ledger.add(other.accessToken);
    ledger.add(other.refreshToken);
    await api().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken });
    expect((await list(session.accessToken)).status).toBe(401);
    expect((await list(other.accessToken)).status).toBe(200);
  });

  it('refuses a removed member: no credential created after the removal', async () => {
    const { workspaceId, user, session, ownerToken } = await member();
    expect((await create(session.accessToken)).status).toBe(201);
    const removed = await api()
      .delete(`/api/v1/workspaces/${workspaceId}/members/${user.id}`)
      .set(bearer(ownerToken));
    expect(removed.status).toBe(204);
    const refused = await create(session.accessToken);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toBe(REVOKED);
    // Added back, they sign in again and work with their new role.
    const added = await api()
      .post(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(ownerToken))
      .send({ userId: user.id, role: 'editor' });
    expect(added.status).toBe(201);
    const again = await login(t, user, workspaceId);
    ledger.add(again.accessToken);
    ledger.add(again.refreshToken);
    expect((await create(again.accessToken)).status).toBe(201);
  });

  it('narrows a demoted member to the new role: reads still work, writes do not', async () => {
    const { workspaceId, user, session, ownerToken } = await member('editor');
    expect((await create(session.accessToken)).status).toBe(201);
    const demoted = await api()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${user.id}`)
      .set(bearer(ownerToken))
      .send({ role: 'viewer' });
    expect(demoted.status).toBe(200);
    expect((await list(session.accessToken)).status).toBe(200);
    const write = await create(session.accessToken);
    expect(write.status).toBe(403);
    // Promoted back: the old token regains no more than its own claims and the new role allow.
    await api()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${user.id}`)
      .set(bearer(ownerToken))
      .send({ role: 'editor' });
    expect((await create(session.accessToken)).status).toBe(201);
  });

  it('ends every access token of a user who changes their password', async () => {
    const { user, session } = await member();
    const second = await login(t, user);
    ledger.add(second.accessToken);
    ledger.add(second.refreshToken);
    const next = ledger.add(passwordValue());
    const changed = await api()
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: user.password, newPassword: next });
    expect(changed.status).toBe(204);
    expect((await list(session.accessToken)).status).toBe(401);
    expect((await list(second.accessToken)).status).toBe(401);
    const fresh = await login(t, { email: user.email, password: next });
    ledger.add(fresh.accessToken);
    ledger.add(fresh.refreshToken);
    expect((await list(fresh.accessToken)).status).toBe(200);
  });

  it('refuses a revoked API key at once', async () => {
    const { workspaceId, ownerToken } = await member();
    const made = await api()
      .post(`/api/v1/workspaces/${workspaceId}/api-keys`)
      .set(bearer(ownerToken))
      .send({ name: 'ci', permissions: ['credentials:view'] });
    expect(made.status).toBe(201);
    const { id, key } = made.body as { id: string; key: string };
    ledger.add(key);
    expect((await list(key)).status).toBe(200);
    const revoked = await api()
      .delete(`/api/v1/workspaces/${workspaceId}/api-keys/${id}`)
      .set(bearer(ownerToken));
    expect(revoked.status).toBe(204);
    expect((await list(key)).status).toBe(401);
  });
});

describe('Two replicas on one SQLite file (the invalidation log, read every 250 ms)', () => {
  let a: TestApp;
  let b: TestApp;
  const ledger = new SecretLedger();

  before(async () => {
    a = await createTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '4' });
    b = await createTestApp({ LOGIN_MAX_FAILURES_PER_EMAIL: '4' }, a.dataDir);
  });

  after(async () => {
    for (const app of [a, b]) {
      ledger.expectAbsentFrom(app.logs.lines.join('\n'), 'the logs');
    }
    await b.close();
    await a.close();
    removeDir(a.dataDir);
  });

  it('a logout on A refuses the access token on B within 1 s', async () => {
    const { session } = await signedInOwner(a, 'Replicas', ledger);
    const onB = () => request(b.http()).get('/api/v1/credentials').set(bearer(session.accessToken));
    expect((await onB()).status).toBe(200);
    const out = await request(a.http())
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken });
    expect(out.status).toBe(204);
    const elapsed = await within(1000, async () => (await onB()).status === 401);
    console.log(`Logout on A refused on B after ${elapsed} ms`);
  });

  it('a member removed on A cannot create a credential on B within 1 s', async () => {
    const { workspaceId, owner } = await createWorkspace(a, 'Replicas');
    ledger.add(owner.password);
    const ownerToken = ledger.add((await login(a, owner, workspaceId)).accessToken);
    const editor = await createUser(a, { workspaceId, role: 'editor' });
    ledger.add(editor.password);
    const session = await login(b, editor, workspaceId);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    const createOnB = () =>
      request(b.http())
        .post('/api/v1/credentials')
        .set(bearer(session.accessToken))
        .send(createCredentialBody());
    expect((await createOnB()).status).toBe(201);
    const removed = await request(a.http())
      .delete(`/api/v1/workspaces/${workspaceId}/members/${editor.id}`)
      .set(bearer(ownerToken));
    expect(removed.status).toBe(204);
    const elapsed = await within(1000, async () => (await createOnB()).status === 401);
    console.log(`Member removal on A effective on B after ${elapsed} ms`);
  });

  it('a member removed, then added back through WorkspaceService on A, works on B within 1 s', async () => {
    const { workspaceId, owner } = await createWorkspace(a, 'Replicas');
    ledger.add(owner.password);
    const ownerToken = ledger.add((await login(a, owner, workspaceId)).accessToken);
    const editor = await createUser(a, { workspaceId, role: 'editor' });
    ledger.add(editor.password);
    const createOnB = (token: string) =>
      request(b.http()).post('/api/v1/credentials').set(bearer(token)).send(createCredentialBody());
    const first = await login(b, editor, workspaceId);
    ledger.add(first.accessToken);
    ledger.add(first.refreshToken);
    await request(a.http())
      .delete(`/api/v1/workspaces/${workspaceId}/members/${editor.id}`)
      .set(bearer(ownerToken))
      .expect(204);
    await within(1000, async () => (await createOnB(first.accessToken)).status === 401);

    // The service path (as the CLI's user:create takes), not the HTTP one.
    const user = await a.app.get(UsersService).getById(editor.id);
    await a.app.get(WorkspaceService).addMember(workspaceId, user, 'editor');
    const again = await login(b, editor, workspaceId);
    ledger.add(again.accessToken);
    ledger.add(again.refreshToken);
    const elapsed = await within(
      1000,
      async () => (await createOnB(again.accessToken)).status === 201,
    );
    console.log(`Member added back on A accepted on B after ${elapsed} ms`);
  });

  it('a workspace deleted on A is closed on B within 1 s', async () => {
    const { workspaceId, session } = await signedInOwner(a, 'Doomed', ledger);
    const onB = () => request(b.http()).get('/api/v1/credentials').set(bearer(session.accessToken));
    expect((await onB()).status).toBe(200);
    const deleted = await request(a.http())
      .delete(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(session.accessToken));
    expect(deleted.status).toBe(204);
    const elapsed = await within(1000, async () => {
      const response = await onB();
      return (
        response.status === 401 && messageOf(response) === 'The workspace of this token was deleted'
      );
    });
    console.log(`Workspace deletion on A effective on B after ${elapsed} ms`);
  });

  it('counts login attempts once for both: 4 allowed in all, not 4 on each', async () => {
    const { owner } = await createWorkspace(a, 'Throttle');
    ledger.add(owner.password);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      const response = await request(app.http())
        .post('/api/v1/auth/login')
        .send({ email: owner.email, password: ledger.add(passwordValue()) });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
