import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { KeyCustody } from '../../src/keys/key-custody';
import { createCredentialBody } from './factories';
import { bearer, createWorkspace, login } from './identity';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

/** What the house promises beyond its layout: one owner per rule, caches that forget. */
describe('Architecture: the service holds the rules, deletion forgets keys', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it("forgets a deleted workspace's data key on the same running server", async () => {
    const { workspaceId, owner } = await createWorkspace(t, 'Shredded');
    const session = await login(t, owner, workspaceId);
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set(bearer(session.accessToken))
      .send(createCredentialBody());
    expect(created.status).toBe(201);
    const keys = t.app.get(KeyCustody).opened.hierarchy;
    expect(keys.holdsKeysOf(workspaceId)).toBe(true);

    const deleted = await request(t.http())
      .delete(`/api/v1/workspaces/${workspaceId}`)
      .set(bearer(session.accessToken));
    expect(deleted.status).toBe(204);
    expect(keys.holdsKeysOf(workspaceId)).toBe(false);
    expect(await keys.latestVersion(workspaceId)).toBeUndefined();
  });

  /** The same input over HTTP and in process: the same status and message. */
  async function bothWays(
    workspaceId: string,
    body: Record<string, unknown>,
  ): Promise<{ http: unknown; inProcess: unknown }> {
    const http = await request(t.http())
      .post('/api/v1/credentials')
      .set(bearer(t.tokenFor({ workspaceId: workspaceId || randomWorkspaceId() })))
      .send(body);
    let inProcess: unknown;
    try {
      await t.app.get(CredentialsService).create(workspaceId, body as never);
      inProcess = 'accepted';
    } catch (error) {
      inProcess = (error as { getResponse?: () => unknown }).getResponse?.() ?? error;
    }
    return { http: http.status === 201 ? 'accepted' : http.body, inProcess };
  }

  it('refuses in process exactly what HTTP refuses, with the same messages', async () => {
    const workspaceId = randomWorkspaceId();
    for (const body of [
      createCredentialBody({ name: '' }),
      createCredentialBody({ name: 'x'.repeat(10_000) }),
      createCredentialBody({ id: 'not-a-uuid' }),
      createCredentialBody({ credentialName: 'noSuchType' }),
      createCredentialBody({ plainDataObj: {} }),
      { ...createCredentialBody(), unexpected: true },
    ]) {
      const { http, inProcess } = await bothWays(workspaceId, body);
      expect(http).not.toBe('accepted');
      expect(inProcess).toEqual(http);
    }
    const list = await t.app.get(CredentialsService).list(workspaceId);
    expect(list.credentials).toEqual([]);
  });

  it('refuses an empty workspace id in process', async () => {
    await expect(
      t.app.get(CredentialsService).create('', createCredentialBody() as never),
    ).rejects.toThrow('workspaceId must be a non-empty string');
  });
});
