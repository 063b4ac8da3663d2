import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createCredentialBody } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

describe('Workspace isolation', () => {
  let t: TestApp;
  const workspaces = [randomWorkspaceId(), randomWorkspaceId()];
  const ids: Record<string, string> = {};

  before(async () => {
    t = await createTestApp();
    for (const workspaceId of workspaces) {
      const response = await as(workspaceId)
        .post('/api/v1/credentials')
        .send(createCredentialBody({ name: workspaceId }));
      ids[workspaceId] = (response.body as { id: string }).id;
    }
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  function as(workspaceId: string) {
    const token = `Bearer ${t.tokenFor({ workspaceId })}`;
    const agent = request(t.http());
    return {
      get: (path: string) => agent.get(path).set('Authorization', token),
      post: (path: string) => agent.post(path).set('Authorization', token),
      put: (path: string) => agent.put(path).set('Authorization', token),
      delete: (path: string) => agent.delete(path).set('Authorization', token),
    };
  }

  for (const [ownerIndex, otherIndex] of [
    [0, 1],
    [1, 0],
  ]) {
    it(`hides workspace ${ownerIndex + 1}'s credential from workspace ${otherIndex + 1} exactly like a missing one`, async () => {
      const owner = workspaces[ownerIndex];
      const other = workspaces[otherIndex];
      const id = ids[owner];
      const missing = '0b7c7d3e-1111-4f4f-8a8a-123456789abc';

      const list = await as(other).get('/api/v1/credentials');
      expect(
        (list.body as Array<{ id: string; workspaceId: string }>).map((c) => c.workspaceId),
      ).toEqual([other]);

      const paged = await as(other).get('/api/v1/credentials?limit=10');
      expect(paged.headers['x-total-count']).toBe('1');

      for (const send of [
        (target: string) => as(other).get(`/api/v1/credentials/${target}`),
        (target: string) => as(other).put(`/api/v1/credentials/${target}`).send({ name: 'stolen' }),
        (target: string) => as(other).delete(`/api/v1/credentials/${target}`),
      ]) {
        const foreign = await send(id);
        const absent = await send(missing);
        expect(foreign.status).toBe(404);
        expect(foreign.body).toEqual({
          ...(absent.body as object),
          message: `Credential ${id} not found`,
        });
        expect(absent.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: `Credential ${missing} not found`,
        });
      }

      const untouched = await as(owner).get(`/api/v1/credentials/${id}`);
      expect(untouched.status).toBe(200);
      expect(untouched.body).toMatchObject({ name: owner, workspaceId: owner });
    });
  }

  it('takes the workspace from the token, never from the body or the query', async () => {
    const [mine, theirs] = workspaces;
    const body = { ...createCredentialBody(), workspaceId: theirs };
    expect((await as(mine).post('/api/v1/credentials').send(body)).status).toBe(400);
    const listed = await as(mine).get(`/api/v1/credentials?workspaceId=${theirs}`);
    expect(listed.status).toBe(400);
  });
});
