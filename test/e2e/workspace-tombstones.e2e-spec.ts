import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { KeyCustody } from '../../src/keys/key-custody';
import { KeyVerification } from '../../src/keys/key-verification';
import { createCredentialBody } from './factories';
import { bearer, createWorkspace, login, messageOf } from './identity';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';
import { querySql } from './portable-sql';

/** A deleted workspace leaves a tombstone: nothing can be written for it again, by any token. */
describe('Deleted workspaces stay deleted', () => {
  let t: TestApp;
  let workspaceId: string;
  let accessToken: string;
  before(async () => {
    t = await createTestApp();
    const created = await createWorkspace(t, 'Doomed');
    workspaceId = created.workspaceId;
    accessToken = (await login(t, created.owner, workspaceId)).accessToken;
    const first = await request(t.http())
      .post('/api/v1/credentials')
      .set(bearer(accessToken))
      .send(createCredentialBody());
    expect(first.status).toBe(201);
    const deleted = await request(t.http())
      .delete(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(accessToken));
    expect(deleted.status).toBe(204);
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const post = (token: string) =>
    request(t.http()).post('/api/v1/credentials').set(bearer(token)).send(createCredentialBody());

  it('refuses the access token still valid after the deletion, saying why, and writes nothing', async () => {
    const refused = await post(accessToken);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toBe('The workspace of this token was deleted');
    const keys = t.app.get(KeyCustody).opened.hierarchy;
    expect(await keys.latestVersion(workspaceId)).toBeUndefined();
    const rows: { n: number }[] = await querySql(
      t.app.get(DataSource),
      'SELECT COUNT(*) AS n FROM vault_credential WHERE workspaceId = ?',
      [workspaceId],
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  it('refuses a token minted for the workspace afterwards, and in-process writes (410)', async () => {
    expect((await post(t.tokenFor({ workspaceId }))).status).toBe(401);
    await expect(
      t.app.get(CredentialsService).create(workspaceId, createCredentialBody() as never),
    ).rejects.toThrow(`Workspace ${workspaceId} was deleted`);
  });

  it('keeps serving workspaces that need no row of ours', async () => {
    expect((await post(t.tokenFor({ workspaceId: randomWorkspaceId() }))).status).toBe(201);
  });

  it('never makes a data key for a workspace another process deleted', async () => {
    const elsewhere = randomWorkspaceId();
    // As another process would leave it: a tombstone this process has not seen being written.
    await querySql(
      t.app.get(DataSource),
      'INSERT INTO vault_workspace_tombstone (workspaceId, deletedAt) VALUES (?, ?)',
      [elsewhere, new Date().toISOString()],
    );
    const refused = await post(t.tokenFor({ workspaceId: elsewhere }));
    expect(refused.status).toBe(410);
    expect(await t.app.get(KeyCustody).opened.hierarchy.latestVersion(elsewhere)).toBeUndefined();
    // Now known here: the guard refuses the next request before it reaches the service.
    expect((await post(t.tokenFor({ workspaceId: elsewhere }))).status).toBe(401);
  });

  it('leaves keys:verify clean', async () => {
    const result = await t.app.get(KeyVerification).verify({ batchSize: 100 });
    expect(result.failures).toEqual([]);
    expect(result.canary).toBe('ok');
  });

  it('still refuses the workspace after a restart', async () => {
    await t.close();
    t = await createTestApp({}, t.dataDir);
    expect((await post(t.tokenFor({ workspaceId }))).status).toBe(401);
  });
});
