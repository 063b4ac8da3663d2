import { expect } from 'expect';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { FLOWISE_REDACTED_VALUE } from '../../src/core/plain-data';
import { secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

type Credential = {
  id: string;
  name: string;
  encryptedData: string;
  updatedDate: string;
  plainDataObj?: Record<string, unknown>;
};

/** GET /credentials/:id's redacted plainDataObj, and PUT's "no change" forms (Flowise's dialog). */
describe('Flowise edit semantics: redacted plainDataObj and no-change updates', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  let auth: { Authorization: string };
  const secret = (label: string): string => ledger.add(secretValue(label));
  const reveal = (id: string) => t.app.get(CredentialsService).revealPlainData(workspaceId, id);

  async function call(method: 'get' | 'post' | 'put', path: string, body?: object) {
    const req = request(t.http())[method](`/api/v1${path}`).set(auth);
    const response = await (body === undefined ? req : req.send(body));
    ledger.expectResponseClean(response, `${method} ${path}`);
    return response;
  }

  async function create(credentialName: string, plainDataObj: object): Promise<Credential> {
    const response = await call('post', '/credentials', {
      name: `My ${credentialName}`,
      credentialName,
      plainDataObj,
    });
    expect(response.status).toBe(201);
    return response.body as Credential;
  }

  const get = async (id: string) => (await call('get', `/credentials/${id}`)).body as Credential;

  before(async () => {
    t = await createTestApp();
    auth = { Authorization: `Bearer ${t.tokenFor({ workspaceId })}` };
  });
  afterEach(() => t.clear());
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  it('returns every stored key: secrets as the sentinel, non-secret inputs with their value', async () => {
    const created = await create('redisCacheApi', {
      redisCacheHost: secret('host'),
      redisCachePort: '6380',
      redisCacheUser: secret('user'),
      redisCachePwd: secret('pwd'),
      redisCacheSslEnabled: true,
    });
    expect((await get(created.id)).plainDataObj).toEqual({
      redisCacheHost: FLOWISE_REDACTED_VALUE,
      redisCachePort: '6380',
      redisCacheUser: FLOWISE_REDACTED_VALUE,
      redisCachePwd: FLOWISE_REDACTED_VALUE,
      redisCacheSslEnabled: true,
    });
  });

  it('redacts the tokens an OAuth flow stored, and keeps the type`s non-secret URLs', async () => {
    const created = await create('gmailOAuth2', {
      clientId: secret('client'),
      clientSecret: secret('cs'),
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      access_token: secret('ya29'),
    });
    expect((await get(created.id)).plainDataObj).toEqual({
      clientId: FLOWISE_REDACTED_VALUE,
      clientSecret: FLOWISE_REDACTED_VALUE,
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      access_token: FLOWISE_REDACTED_VALUE,
    });
  });

  it('keeps the stored secret when the sentinel is echoed back, changing only what was edited', async () => {
    const [user, pwd] = [secret('user'), secret('pwd')];
    const created = await create('redisCacheApi', {
      redisCacheHost: 'cache.internal.example',
      redisCachePort: '6380',
      redisCacheUser: user,
      redisCachePwd: pwd,
      redisCacheSslEnabled: true,
    });
    const { plainDataObj } = await get(created.id);
    const saved = await call('put', `/credentials/${created.id}`, {
      name: 'Edited in Flowise',
      plainDataObj: { ...plainDataObj, redisCacheSslEnabled: false },
    });
    expect(saved.status).toBe(200);
    await expect(reveal(created.id)).resolves.toEqual({
      redisCacheHost: 'cache.internal.example',
      redisCachePort: '6380',
      redisCacheUser: user,
      redisCachePwd: pwd,
      redisCacheSslEnabled: false,
    });
  });

  it('treats plainDataObj {} or only sentinels as no change: same ciphertext, no new version', async () => {
    const key = secret('sk');
    const created = await create('openAIApi', { openAIApiKey: key });
    for (const plainDataObj of [{}, { openAIApiKey: FLOWISE_REDACTED_VALUE }]) {
      const response = await call('put', `/credentials/${created.id}`, { plainDataObj });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
    }
    await expect(reveal(created.id)).resolves.toEqual({ openAIApiKey: key });
  });

  it('renames with plainDataObj {} (older Flowise dialogs) without touching the secret', async () => {
    const key = secret('sk');
    const created = await create('openAIApi', { openAIApiKey: key });
    const response = await call('put', `/credentials/${created.id}`, {
      name: 'Renamed',
      credentialName: 'openAIApi',
      plainDataObj: {},
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'Renamed', encryptedData: created.encryptedData });
    expect((await get(created.id)).name).toBe('Renamed');
    await expect(reveal(created.id)).resolves.toEqual({ openAIApiKey: key });
  });

  it('still refuses another credentialName, and another workspace`s id, with {}', async () => {
    const created = await create('openAIApi', { openAIApiKey: secret('sk') });
    const retyped = await call('put', `/credentials/${created.id}`, {
      credentialName: 'cohereApi',
      plainDataObj: {},
    });
    expect(retyped.status).toBe(400);
    const foreign = await request(t.http())
      .put(`/api/v1/credentials/${created.id}`)
      .set({ Authorization: `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}` })
      .send({ plainDataObj: {} });
    expect(foreign.status).toBe(404);
    expect(await get(created.id)).toMatchObject(created);
  });

  it('never stores the sentinel: a create of only sentinels is refused as empty', async () => {
    const response = await call('post', '/credentials', {
      name: 'Copied',
      credentialName: 'openAIApi',
      plainDataObj: { openAIApiKey: FLOWISE_REDACTED_VALUE },
    });
    expect(response.status).toBe(400);
  });

  it('leaks no secret of this spec into the database files either', () => {
    expect(ledger.size).toBeGreaterThan(8);
    ledger.expectFilesClean([
      t.config.sqlitePath,
      `${t.config.sqlitePath}-wal`,
      `${t.config.sqlitePath}-journal`,
    ]);
  });
});

describe('GET /credentials/:id (permissive, unknown type)', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('redacts every key, whatever its value type', async () => {
    const auth = { Authorization: `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}` };
    const token = secretValue('internal');
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set(auth)
      .send({
        name: 'Internal',
        credentialName: 'myInternalApi',
        plainDataObj: { token, port: 5432, tls: false },
      });
    expect(created.status).toBe(201);
    const response = await request(t.http())
      .get(`/api/v1/credentials/${(created.body as Credential).id}`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain(token);
    expect((response.body as Credential).plainDataObj).toEqual({
      token: FLOWISE_REDACTED_VALUE,
      port: FLOWISE_REDACTED_VALUE,
      tls: FLOWISE_REDACTED_VALUE,
    });
  });
});
