import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createCredentialBody } from './factories';
import { createTestApp, removeDir, TestApp } from './test-app';

const BASE = '/api/v1/credentials';

describe('Where a credential is used, and safe delete (standalone server)', () => {
  let t: TestApp;
  let token: string;
  const server = () => request(t.http());

  before(async () => {
    t = await createTestApp();
    token = t.tokenFor({ workspaceId: 'ws-usage' });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  async function created(): Promise<string> {
    const response = await server()
      .post(BASE)
      .set('Authorization', `Bearer ${token}`)
      .send(createCredentialBody());
    return (response.body as { id: string }).id;
  }

  it('records, lists and releases usages; a delete in use is 409 until forced', async () => {
    const id = await created();
    const auth = { Authorization: `Bearer ${token}` };
    const put = await server()
      .put(`${BASE}/${id}/usages/chatflow/flow-1`)
      .set(auth)
      .send({ label: 'Support bot' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      kind: 'chatflow',
      id: 'flow-1',
      label: 'Support bot',
      createdDate: expect.any(String),
    });
    expect((await server().put(`${BASE}/${id}/usages/agent/a-1`).set(auth)).status).toBe(200);
    const list = await server().get(`${BASE}/${id}/usages`).set(auth);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);

    const refused = await server().delete(`${BASE}/${id}`).set(auth);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect((refused.body as { usages: unknown[] }).usages).toHaveLength(2);

    expect((await server().delete(`${BASE}/${id}/usages/agent/a-1`).set(auth)).status).toBe(204);
    expect((await server().delete(`${BASE}/${id}/usages/agent/a-1`).set(auth)).status).toBe(204);
    expect((await server().delete(`${BASE}/${id}?force=maybe`).set(auth)).status).toBe(400);
    expect((await server().delete(`${BASE}/${id}?force=true`).set(auth)).status).toBe(200);
    expect((await server().get(`${BASE}/${id}/usages`).set(auth)).status).toBe(404);
    const left: unknown[] = await t.app
      .get(DataSource)
      .query('SELECT * FROM vault_credential_usage');
    expect(left).toEqual([]);
  });

  it('deletes an unused credential as before, and checks kinds, workspaces and permissions', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const unused = await created();
    expect((await server().delete(`${BASE}/${unused}`).set(auth)).status).toBe(200);

    const id = await created();
    const bad = await server().put(`${BASE}/${id}/usages/bad%20kind/x`).set(auth).send({});
    expect(bad.status).toBe(400);
    const other = t.tokenFor({ workspaceId: 'ws-other' });
    const foreign = await server()
      .put(`${BASE}/${id}/usages/chatflow/f`)
      .set('Authorization', `Bearer ${other}`)
      .send({});
    expect(foreign.status).toBe(404);
    const viewer = new JwtService().sign(
      { sub: 'viewer', workspaceId: 'ws-usage', permissions: ['credentials:view'] },
      { secret: t.config.jwtSecret, algorithm: 'HS256', expiresIn: 60 },
    );
    const forbidden = await server()
      .put(`${BASE}/${id}/usages/chatflow/f`)
      .set('Authorization', `Bearer ${viewer}`)
      .send({});
    expect(forbidden.status).toBe(403);
    expect((await server().get(`${BASE}/${id}/usages`)).status).toBe(401);
  });

  it("answers another workspace's delete of a used credential with 404, not 409", async () => {
    const id = await created();
    const auth = { Authorization: `Bearer ${token}` };
    expect((await server().put(`${BASE}/${id}/usages/chatflow/flow-x`).set(auth)).status).toBe(200);
    const other = { Authorization: `Bearer ${t.tokenFor({ workspaceId: 'ws-other' })}` };
    for (const query of ['', '?force=true']) {
      const refused = await server().delete(`${BASE}/${id}${query}`).set(other);
      expect(refused.status).toBe(404);
      expect(refused.body).toMatchObject({ message: `Credential ${id} not found` });
    }
    // Unchanged: still there, still used.
    const list = await server().get(`${BASE}/${id}/usages`).set(auth);
    expect(list.body).toEqual([expect.objectContaining({ kind: 'chatflow', id: 'flow-x' })]);
  });

  it('drops the usages in the statement that deletes the credential, however it is deleted', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const [kept, gone] = [await created(), await created()];
    for (const id of [kept, gone]) {
      expect((await server().put(`${BASE}/${id}/usages/agent/a-${id}`).set(auth)).status).toBe(200);
    }
    const dataSource = t.app.get(DataSource);
    const usageIdsOf = async (id: string): Promise<unknown[]> =>
      dataSource.query(
        `SELECT "usageId" FROM vault_credential_usage WHERE "credentialId" = ${dataSource.driver.createParameter('id', 0)}`,
        [id],
      );
    // A delete by hand, outside the API: the database itself keeps no orphan.
    await dataSource.query(
      `DELETE FROM vault_credential WHERE id = ${dataSource.driver.createParameter('id', 0)}`,
      [gone],
    );
    expect(await usageIdsOf(gone)).toEqual([]);
    expect(await usageIdsOf(kept)).toEqual([{ usageId: `a-${kept}` }]);
  });
});
