import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { createCredentialBody, secretValue } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

const BASE = '/api/v1/credentials';

describe('Optimistic concurrency: ETag, If-Match, If-None-Match', () => {
  let t: TestApp;
  const workspaceId = randomWorkspaceId();
  let authorization: string;

  before(async () => {
    // Permissive, with a type outside the catalogue whose fields are free (concurrent merges).
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
    authorization = `Bearer ${t.tokenFor({ workspaceId })}`;
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  async function create(
    credentialName = 'openAIApi',
  ): Promise<{ id: string; etag: string; secret: string }> {
    const secret = secretValue();
    const created = await request(t.http())
      .post(BASE)
      .set('Authorization', authorization)
      .send(createCredentialBody({ credentialName, plainDataObj: { openAIApiKey: secret } }))
      .expect(201);
    return { id: (created.body as { id: string }).id, etag: created.headers.etag, secret };
  }

  const put = (id: string, body: object, ifMatch?: string) => {
    const req = request(t.http()).put(`${BASE}/${id}`).set('Authorization', authorization);
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };
  const del = (id: string, ifMatch: string) =>
    request(t.http())
      .delete(`${BASE}/${id}`)
      .set('Authorization', authorization)
      .set('If-Match', ifMatch);
  const stored = (id: string) => t.app.get(CredentialsService).revealPlainData(workspaceId, id);

  it('tags create, get and merge answers with the row version, strong', async () => {
    const { id, etag } = await create();
    expect(etag).toBe('"1"');
    const got = await request(t.http())
      .get(`${BASE}/${id}`)
      .set('Authorization', authorization)
      .expect(200);
    expect(got.headers.etag).toBe('"1"');
    const merged = await put(id, { plainDataObj: { openAIApiKey: secretValue() } }).expect(200);
    expect(merged.headers.etag).toBe('"2"');
    const renamed = await put(id, { name: 'Renamed' }, '"2"').expect(200);
    expect(renamed.headers.etag).toBe('"3"');
  });

  it('answers a GET with a current If-None-Match with 304 and no body, a stale one with 200', async () => {
    const { id, etag } = await create();
    const get = (tag: string) =>
      request(t.http())
        .get(`${BASE}/${id}`)
        .set('Authorization', authorization)
        .set('If-None-Match', tag);
    const notModified = await get(etag).expect(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.etag).toBe(etag);
    await get(`W/${etag}`).expect(304); // If-None-Match compares weakly
    await get(`"7", ${etag}`).expect(304);
    await get('*').expect(304);
    await put(id, { name: 'Changed' }).expect(200);
    const changed = await get(etag).expect(200);
    expect((changed.body as { name: string }).name).toBe('Changed');
    expect(changed.headers.etag).toBe('"2"');
  });

  it('refuses a PUT with a stale If-Match with 412 and changes nothing', async () => {
    const { id, etag, secret } = await create();
    await put(id, { plainDataObj: { openAIApiKey: secretValue() } }, etag).expect(200);
    const after = await stored(id);
    const stale = await put(id, { plainDataObj: { openAIApiKey: secretValue() } }, etag).expect(
      412,
    );
    expect(stale.body).toEqual({
      statusCode: 412,
      message: `Credential ${id} has changed since the ETag you sent in If-Match; get it again`,
      error: 'Precondition Failed',
    });
    expect(JSON.stringify(stale.body)).not.toContain(secret);
    expect(await stored(id)).toEqual(after);
    // Also when the body would change nothing, and for tags we never issued or weak ones.
    await put(id, { plainDataObj: {} }, etag).expect(412);
    await put(id, { name: 'x' }, 'W/"2"').expect(412);
    await put(id, { name: 'x' }, 'not-a-tag').expect(412);
    await put(id, { name: 'x' }, '"2", "9"').expect(200);
    await put(id, { name: 'y' }, '*').expect(200);
    await put(id, { name: 'z' }).expect(200); // without If-Match: today's merge
  });

  it('lets exactly one of 10 concurrent PUTs with the same If-Match through', async () => {
    const { id, etag } = await create('concurrencyTestApi');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        put(id, { plainDataObj: { [`field${i}`]: `value-${i}` } }, etag),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(9).fill(412)]);
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.headers.etag).toBe('"2"');
    expect(Object.keys(await stored(id))).toHaveLength(2);
  });

  it('deletes only at the version If-Match names', async () => {
    const { id, etag } = await create();
    await put(id, { name: 'Moved on' }).expect(200);
    await del(id, etag).expect(412);
    await request(t.http()).get(`${BASE}/${id}`).set('Authorization', authorization).expect(200);
    await del(id, '"2"').expect(200);
    await del(id, '"2"').expect(404);
    await del(id, '*').expect(404);
  });

  it("answers If-Match on another workspace's credential with 404, as without it", async () => {
    const { id, etag } = await create();
    const stranger = `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}`;
    await request(t.http())
      .put(`${BASE}/${id}`)
      .set('Authorization', stranger)
      .set('If-Match', etag)
      .send({ name: 'Hijacked' })
      .expect(404);
    await request(t.http())
      .delete(`${BASE}/${id}`)
      .set('Authorization', stranger)
      .set('If-Match', '"9"')
      .expect(404);
    await request(t.http())
      .get(`${BASE}/${id}`)
      .set('Authorization', stranger)
      .set('If-None-Match', etag)
      .expect(404);
  });
});
