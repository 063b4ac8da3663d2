import { expect } from 'expect';
import { describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCredentialBody } from './factories';
import {
  bearer,
  bodyOf,
  createUser,
  createWorkspace,
  emailValue,
  identitySuite,
  login,
  LoginBody,
  messageOf,
  passwordValue,
  TestUser,
} from './identity';
import { TestApp } from './test-app';
import { querySql } from './portable-sql';

interface Workspace {
  id: string;
  name: string;
  role: string;
  createdAt: string;
}
interface Member {
  userId: string;
  email: string;
  role: string;
  createdAt: string;
}

describe('Workspaces, members and users', () => {
  let t: TestApp;
  const ledger = identitySuite((testApp) => (t = testApp));

  const api = () => request(t.http());

  async function tokenOf(user: TestUser, workspaceId?: string): Promise<string> {
    ledger.add(user.password);
    const session = await login(t, user, workspaceId);
    ledger.add(session.refreshToken);
    return ledger.add(session.accessToken);
  }

  /** A workspace with an owner and one member per other role, each signed in. */
  async function team() {
    const { workspaceId, owner } = await createWorkspace(t, 'Team');
    const admin = await createUser(t, { workspaceId, role: 'admin' });
    const editor = await createUser(t, { workspaceId, role: 'editor' });
    return {
      workspaceId,
      owner,
      admin,
      editor,
      ownerToken: await tokenOf(owner),
      adminToken: await tokenOf(admin),
      editorToken: await tokenOf(editor),
    };
  }

  it('lists my workspaces with my role, and creates one with me as owner', async () => {
    const { owner, ownerToken, editorToken, workspaceId } = await team();
    const created = await api()
      .post('/api/v1/workspaces')
      .set(bearer(ownerToken))
      .send({ name: 'Research' });
    expect(created.status).toBe(201);
    expect(bodyOf<Workspace>(created)).toMatchObject({ name: 'Research', role: 'owner' });

    const mine = await api().get('/api/v1/workspaces').set(bearer(ownerToken));
    expect(mine.status).toBe(200);
    expect(bodyOf<Workspace[]>(mine).map((w) => [w.name, w.role])).toEqual([
      ['Team', 'owner'],
      ['Research', 'owner'],
    ]);
    const theirs = await api().get('/api/v1/workspaces').set(bearer(editorToken));
    expect(bodyOf<Workspace[]>(theirs).map((w) => [w.id, w.role])).toEqual([
      [workspaceId, 'editor'],
    ]);

    expect(
      (await api().post('/api/v1/workspaces').set(bearer(ownerToken)).send({ name: ' ' })).status,
    ).toBe(400);
    const cli = await api()
      .get('/api/v1/workspaces')
      .set(bearer(t.tokenFor({ workspaceId, sub: owner.id.replace(/./, 'x') })));
    expect(cli.status).toBe(403);
    expect((await api().get('/api/v1/workspaces')).status).toBe(401);
  });

  it('renames with workspace:members; 403 without it, 404 for a workspace not mine', async () => {
    const { workspaceId, adminToken, editorToken } = await team();
    const other = await createWorkspace(t, 'Other');
    const renamed = await api()
      .patch(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(adminToken))
      .send({ name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(bodyOf<Workspace>(renamed)).toMatchObject({
      id: workspaceId,
      name: 'Renamed',
      role: 'admin',
    });

    const refused = await api()
      .patch(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(editorToken))
      .send({ name: 'Nope' });
    expect(refused.status).toBe(403);
    expect(messageOf(refused)).toBe('Missing permission workspace:members');

    const foreign = await api()
      .patch(`/api/v1/workspaces/${other.workspaceId}`)
      .set(bearer(adminToken))
      .send({ name: 'Nope' });
    expect(foreign.status).toBe(404);
    expect(messageOf(foreign)).toBe(`Workspace ${other.workspaceId} not found`);
  });

  it('deletes a workspace (owner only) with its credentials, members, keys and data key, and nothing else', async () => {
    const { workspaceId, adminToken, ownerToken } = await team();
    const other = await createWorkspace(t, 'Other');
    for (const ws of [workspaceId, other.workspaceId]) {
      const created = await api()
        .post('/api/v1/credentials')
        .set(bearer(t.tokenFor({ workspaceId: ws })))
        .send(createCredentialBody());
      expect(created.status).toBe(201);
    }
    const refused = await api().delete(`/api/v1/workspaces/${workspaceId}`).set(bearer(adminToken));
    expect(refused.status).toBe(403);
    expect(messageOf(refused)).toBe('Missing permission workspace:delete');

    expect(
      (await api().delete(`/api/v1/workspaces/${workspaceId}`).set(bearer(ownerToken))).status,
    ).toBe(204);
    const db = t.app.get(DataSource);
    const count = async (table: string, ws: string) =>
      Number(
        (
          await querySql<{ n: number }[]>(
            db,
            `SELECT COUNT(*) AS n FROM ${table} WHERE workspaceId = ?`,
            [ws],
          )
        )[0].n,
      );
    // Crypto-shredding: the wrapped data key goes too, so a backup of the rows is unreadable.
    for (const table of [
      'vault_credential',
      'vault_workspace_member',
      'vault_api_key',
      'vault_refresh_token',
      'vault_workspace_data_key',
    ]) {
      expect(await count(table, workspaceId)).toBe(0);
    }
    expect(await count('vault_credential', other.workspaceId)).toBe(1);
    expect(await count('vault_workspace_data_key', other.workspaceId)).toBe(1);
    expect(await count('vault_workspace_member', other.workspaceId)).toBe(1);
    // The owner's token names the deleted workspace: refused from now on, saying why.
    const gone = await api().delete(`/api/v1/workspaces/${workspaceId}`).set(bearer(ownerToken));
    expect(gone.status).toBe(401);
    expect(messageOf(gone)).toBe('The workspace of this token was deleted');
  });

  it('takes an upper-case id in the path as the same workspace or member', async () => {
    const { workspaceId, editor, ownerToken } = await team();
    const upper = workspaceId.toUpperCase();

    const renamed = await api()
      .patch(`/api/v1/workspaces/${upper}`)
      .set(bearer(ownerToken))
      .send({ name: 'Loud' });
    expect(renamed.status).toBe(200);
    expect(bodyOf<Workspace>(renamed)).toMatchObject({ id: workspaceId, name: 'Loud' });

    const removed = await api()
      .delete(`/api/v1/workspaces/${upper}/members/${editor.id.toUpperCase()}`)
      .set(bearer(ownerToken));
    expect(removed.status).toBe(204);
    const members = await api()
      .get(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(ownerToken));
    expect(bodyOf<Member[]>(members).map((m) => m.userId)).not.toContain(editor.id);

    expect((await api().delete(`/api/v1/workspaces/${upper}`).set(bearer(ownerToken))).status).toBe(
      204,
    );
    const rows = await querySql<{ n: number }[]>(
      t.app.get(DataSource),
      'SELECT COUNT(*) AS n FROM vault_workspace WHERE id = ?',
      [workspaceId],
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  it('lists, adds, re-roles and removes members, guarding owners and the last owner', async () => {
    const { workspaceId, owner, admin, adminToken, editorToken, ownerToken } = await team();
    const base = `/api/v1/workspaces/${workspaceId}/members`;

    const listed = await api().get(base).set(bearer(adminToken));
    expect(listed.status).toBe(200);
    expect(bodyOf<Member[]>(listed).map((m) => m.role)).toEqual(['owner', 'admin', 'editor']);
    expect((await api().get(base).set(bearer(editorToken))).status).toBe(403);

    const newcomer = await createUser(t);
    const byEmail = await api()
      .post(base)
      .set(bearer(adminToken))
      .send({ email: newcomer.email.toUpperCase(), role: 'viewer' });
    expect(byEmail.status).toBe(201);
    expect(bodyOf<Member>(byEmail)).toMatchObject({
      userId: newcomer.id,
      email: newcomer.email,
      role: 'viewer',
    });
    const again = await api()
      .post(base)
      .set(bearer(adminToken))
      .send({ userId: newcomer.id, role: 'viewer' });
    expect(again.status).toBe(409);
    for (const body of [
      { role: 'viewer' },
      { email: newcomer.email, userId: newcomer.id, role: 'viewer' },
      { email: newcomer.email, role: 'superuser' },
    ]) {
      expect((await api().post(base).set(bearer(adminToken)).send(body)).status).toBe(400);
    }
    const unknown = await api()
      .post(base)
      .set(bearer(adminToken))
      .send({ email: emailValue(), role: 'viewer' });
    expect(unknown.status).toBe(404);

    // Admins manage members but not owners.
    const grantOwner = await api()
      .patch(`${base}/${newcomer.id}`)
      .set(bearer(adminToken))
      .send({ role: 'owner' });
    expect(grantOwner.status).toBe(403);
    expect(messageOf(grantOwner)).toBe('Only an owner can grant, change or remove the owner role');
    expect((await api().delete(`${base}/${owner.id}`).set(bearer(adminToken))).status).toBe(403);

    const promoted = await api()
      .patch(`${base}/${newcomer.id}`)
      .set(bearer(adminToken))
      .send({ role: 'editor' });
    expect(promoted.status).toBe(200);
    expect(bodyOf<Member>(promoted).role).toBe('editor');

    // The last owner can be neither demoted nor removed...
    const demote = await api()
      .patch(`${base}/${owner.id}`)
      .set(bearer(ownerToken))
      .send({ role: 'admin' });
    expect(demote.status).toBe(409);
    expect(messageOf(demote)).toBe(
      'The last owner of a workspace cannot be demoted: make another member owner first',
    );
    const removeLast = await api().delete(`${base}/${owner.id}`).set(bearer(ownerToken));
    expect(removeLast.status).toBe(409);
    // ...until there is another.
    expect(
      (await api().patch(`${base}/${admin.id}`).set(bearer(ownerToken)).send({ role: 'owner' }))
        .status,
    ).toBe(200);
    expect(
      (await api().patch(`${base}/${owner.id}`).set(bearer(ownerToken)).send({ role: 'admin' }))
        .status,
    ).toBe(200);

    const missing = await api()
      .delete(`${base}/00000000-0000-4000-8000-000000000000`)
      .set(bearer(adminToken));
    expect(missing.status).toBe(404);
    expect((await api().delete(`${base}/not-a-uuid`).set(bearer(adminToken))).status).toBe(400);
  });

  it('a removed member loses access at once: access token, refresh and login refused', async () => {
    const { workspaceId, ownerToken, editor } = await team();
    ledger.add(editor.password);
    const session: LoginBody = await login(t, editor);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    const removed = await api()
      .delete(`/api/v1/workspaces/${workspaceId}/members/${editor.id}`)
      .set(bearer(ownerToken));
    expect(removed.status).toBe(204);

    // The access token already issued is refused at once (the revocation list, every replica)...
    expect((await api().get('/api/v1/credentials').set(bearer(session.accessToken))).status).toBe(
      401,
    );
    // ...and no new one comes: the refresh token is revoked and login finds no workspace.
    const refresh = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect(refresh.status).toBe(401);
    const relogin = await api()
      .post('/api/v1/auth/login')
      .send({ email: editor.email, password: editor.password, workspaceId });
    expect(relogin.status).toBe(404);
    const management = await api()
      .get(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(session.accessToken));
    expect(management.status).toBe(401);
  });

  it('lets only instance admins create and list users', async () => {
    const { owner, ownerToken } = await team();
    const instanceAdmin = await createUser(t, { isInstanceAdmin: true });
    const { workspaceId } = await createWorkspace(t, 'Admins');
    const { WorkspaceService } = await import('../../src/workspace/workspace.service');
    const { UsersService } = await import('../../src/users/users.service');
    const adminEntity = await t.app.get(UsersService).getById(instanceAdmin.id);
    await t.app.get(WorkspaceService).addMember(workspaceId, adminEntity, 'viewer');
    const adminToken = await tokenOf(instanceAdmin);

    const password = ledger.add(passwordValue());
    const email = emailValue('Made');
    const created = await api()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email, password });
    expect(created.status).toBe(201);
    expect(Object.keys(bodyOf(created)).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'isInstanceAdmin',
    ]);
    expect(bodyOf(created)).toMatchObject({ email: email.toLowerCase(), isInstanceAdmin: false });
    ledger.expectResponseClean(created, 'POST /users');

    const duplicate = await api()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: email.toUpperCase(), password });
    expect(duplicate.status).toBe(409);
    expect(
      (await api().post('/api/v1/users').set(bearer(adminToken)).send({ email, password: 'short' }))
        .status,
    ).toBe(400);

    const listed = await api().get('/api/v1/users').set(bearer(adminToken));
    expect(listed.status).toBe(200);
    expect(bodyOf<{ email: string }[]>(listed).map((u) => u.email)).toEqual(
      expect.arrayContaining([owner.email, email.toLowerCase()]),
    );
    ledger.expectResponseClean(listed, 'GET /users');

    for (const call of [
      api().get('/api/v1/users').set(bearer(ownerToken)),
      api().post('/api/v1/users').set(bearer(ownerToken)).send({ email: emailValue(), password }),
    ]) {
      const refused = await call;
      expect(refused.status).toBe(403);
      expect(messageOf(refused)).toBe('Only an instance admin can manage users');
    }
  });
});
