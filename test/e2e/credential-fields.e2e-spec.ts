import { expect } from 'expect';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { FLOWISE_REDACTED_VALUE } from '../../src/core/plain-data';
import { secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

/** The fields of a response body the assertions read. */
type Body = { id: string; message: string | string[]; credentialName: string; label: string };

interface Field {
  name: string;
  label: string;
  type: string;
  set: boolean;
  secret: boolean;
  value?: unknown;
}

describe('GET /credentials/:id/fields', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  let auth: { Authorization: string };

  /** A secret value remembered for the leak scans. */
  const secret = (label: string): string => ledger.add(secretValue(label));

  async function call(method: 'get' | 'post' | 'put', path: string, body?: object) {
    const req = request(t.http())[method](`/api/v1${path}`).set(auth);
    const response = await (body === undefined ? req : req.send(body));
    ledger.expectResponseClean(response, `${method} ${path}`);
    return response;
  }

  async function create(credentialName: string, plainDataObj: object): Promise<string> {
    const response = await call('post', '/credentials', {
      name: credentialName,
      credentialName,
      plainDataObj,
    });
    expect(response.status).toBe(201);
    return (response.body as Body).id;
  }

  async function fields(id: string): Promise<Field[]> {
    const response = await call('get', `/credentials/${id}/fields`);
    expect(response.status).toBe(200);
    return response.body as Field[];
  }

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

  it('lists the inputs of the type, which are set, and values only of non-secret inputs', async () => {
    const id = await create('redisCacheApi', {
      redisCacheHost: secret('host'),
      redisCachePort: '6380',
      redisCacheUser: secret('user'),
      redisCachePwd: secret('pwd'),
      redisCacheSslEnabled: true,
    });
    expect(await fields(id)).toEqual([
      { name: 'redisCacheHost', label: 'Redis Host', type: 'string', set: true, secret: true },
      {
        name: 'redisCachePort',
        label: 'Port',
        type: 'number',
        set: true,
        secret: false,
        value: '6380',
      },
      { name: 'redisCacheUser', label: 'User', type: 'string', set: true, secret: true },
      { name: 'redisCachePwd', label: 'Password', type: 'password', set: true, secret: true },
      {
        name: 'redisCacheSslEnabled',
        label: 'Use SSL',
        type: 'boolean',
        set: true,
        secret: false,
        value: true,
      },
    ]);
  });

  it('reflects a merge that adds and removes keys', async () => {
    const id = await create('awsApi', { awsKey: secret('AKIA'), awsSecret: secret('aws') });
    expect((await fields(id)).filter((field) => field.set).map((field) => field.name)).toEqual([
      'awsKey',
      'awsSecret',
    ]);

    const merged = await call('put', `/credentials/${id}`, {
      plainDataObj: {
        awsKey: FLOWISE_REDACTED_VALUE,
        awsSecret: null,
        awsSession: secret('session'),
        roleArn: secret('arn'),
      },
    });
    expect(merged.status).toBe(200);
    expect(await fields(id)).toEqual([
      { name: 'awsKey', label: 'AWS Access Key', type: 'password', set: true, secret: true },
      {
        name: 'awsSecret',
        label: 'AWS Secret Access Key',
        type: 'password',
        set: false,
        secret: true,
      },
      { name: 'awsSession', label: 'AWS Session Key', type: 'password', set: true, secret: true },
      { name: 'roleArn', label: 'Role ARN', type: 'string', set: true, secret: true },
      { name: 'externalId', label: 'External ID', type: 'string', set: false, secret: true },
    ]);
  });

  it('shows an input the catalogue marks secret: false, once it is set', async () => {
    const id = await create('pineconeApi', { pineconeApiKey: secret('pc') });
    expect((await fields(id))[1]).toEqual({
      name: 'pineconeEnv',
      label: 'Pinecone Environment',
      type: 'string',
      set: false,
      secret: false,
    });
    await call('put', `/credentials/${id}`, { plainDataObj: { pineconeEnv: 'us-west1-gcp' } });
    expect((await fields(id))[1]).toMatchObject({ set: true, value: 'us-west1-gcp' });
  });

  it('reports the tokens of an OAuth flow as secrets', async () => {
    const id = await create('gmailOAuth2', {
      clientId: secret('client'),
      clientSecret: secret('cs'),
      access_token: secret('ya29'),
      expires_at: 1767225600,
    });
    const byName = new Map((await fields(id)).map((field) => [field.name, field]));
    expect(byName.get('access_token')).toEqual({
      name: 'access_token',
      label: 'access_token',
      type: 'password',
      set: true,
      secret: true,
    });
    expect(byName.get('expires_at')).toEqual({
      name: 'expires_at',
      label: 'expires_at',
      type: 'password',
      set: true,
      secret: true,
    });
    expect(byName.get('authorizationUrl')).toMatchObject({ set: false, secret: false });
  });

  it('treats another workspace, an unknown id and a malformed id as not found', async () => {
    const id = await create('openAIApi', { openAIApiKey: secret('sk') });
    const other = `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}`;
    const foreign = await request(t.http())
      .get(`/api/v1/credentials/${id}/fields`)
      .set({ Authorization: other });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      statusCode: 404,
      message: `Credential ${id} not found`,
      error: 'Not Found',
    });
    expect(
      (await call('get', '/credentials/7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d/fields')).status,
    ).toBe(404);
    expect(((await call('get', '/credentials/not-an-id/fields')).body as Body).message).toBe(
      'Credential not found',
    );
  });

  it('needs a token', async () => {
    const id = await create('openAIApi', { openAIApiKey: secret('sk') });
    expect((await request(t.http()).get(`/api/v1/credentials/${id}/fields`)).status).toBe(401);
  });
});

describe('GET /credentials/:id/fields (permissive, unknown type)', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('reports every key as a secret, with no value', async () => {
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
      .get(`/api/v1/credentials/${(created.body as Body).id}/fields`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain(token);
    expect(response.body).toEqual([
      { name: 'token', label: 'token', type: 'password', set: true, secret: true },
      { name: 'port', label: 'port', type: 'password', set: true, secret: true },
      { name: 'tls', label: 'tls', type: 'password', set: true, secret: true },
    ]);
  });
});
