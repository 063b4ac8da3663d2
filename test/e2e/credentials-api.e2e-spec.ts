import { expect } from 'expect';
import { describe, it, before, after, afterEach } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { FLOWISE_REDACTED_VALUE } from '../../src/core/plain-data';
import { CREDENTIAL_RESPONSE_KEYS, createCredentialBody, secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

/** The error body's message (a string, or a list from validation) includes the expected one. */
function expectMessage(response: request.Response, expected: string | RegExp): void {
  const messages = ([] as string[]).concat(
    (response.body as { message: string | string[] }).message,
  );
  const found = messages.some((m) =>
    typeof expected === 'string' ? m === expected : expected.test(m),
  );
  expect({ found, messages }).toEqual({ found: true, messages });
}

describe('Credentials API', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  let auth: { Authorization: string };

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

  /** Sends a request with the token, and scans its response for every secret used so far. */
  async function call(
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    body?: string | object,
  ): Promise<request.Response> {
    let req = request(t.http())[method](`/api/v1${path}`).set(auth);
    if (body !== undefined) {
      req = req.set('Content-Type', 'application/json').send(body);
    }
    const response = await req;
    ledger.expectResponseClean(response, `${method} ${path}`);
    return response;
  }

  function trackedBody(overrides: Parameters<typeof createCredentialBody>[0] = {}) {
    const body = createCredentialBody(overrides);
    for (const value of Object.values(body.plainDataObj as object)) {
      // The reference page's placeholders ('sk-...') are too short to scan for.
      if (typeof value === 'string' && value.length >= 12) {
        ledger.add(value);
      }
    }
    return body;
  }

  async function create(overrides: Parameters<typeof createCredentialBody>[0] = {}) {
    const response = await call('post', '/credentials', trackedBody(overrides));
    expect(response.status).toBe(201);
    return response.body as Record<string, string>;
  }

  const reveal = (id: string) => t.app.get(CredentialsService).revealPlainData(workspaceId, id);

  async function expectNoCredentials(): Promise<void> {
    const list = await call('get', '/credentials');
    expect(list.body).toEqual([]);
  }

  describe('POST /credentials', () => {
    it('creates a credential in the token workspace and answers 201 with its metadata', async () => {
      const secret = ledger.add(secretValue());
      const response = await call('post', '/credentials', {
        name: 'My OpenAI Key',
        credentialName: 'openAIApi',
        plainDataObj: { openAIApiKey: secret },
      });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body as object).sort()).toEqual(CREDENTIAL_RESPONSE_KEYS);
      expect(response.body).toMatchObject({
        name: 'My OpenAI Key',
        credentialName: 'openAIApi',
        workspaceId,
      });
      const body = response.body as Record<string, string>;
      expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.encryptedData).toMatch(/^v2\.\d+\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(body.createdDate).toBe(body.updatedDate);
      expect(new Date(body.createdDate).toISOString()).toBe(body.createdDate);
      await expect(reveal(body.id)).resolves.toEqual({ openAIApiKey: secret });
    });

    it('accepts a client-chosen UUID and refuses to reuse it with 409, never overwriting', async () => {
      const id = '3F1C2A8E-6B1D-4C55-9A55-2B1F0D4E7A10';
      const first = await create({ id, plainDataObj: { openAIApiKey: ledger.add(secretValue()) } });
      expect(first.id).toBe(id.toLowerCase());

      const again = await call('post', '/credentials', trackedBody({ id }));
      expect(again.status).toBe(409);
      expect(again.body).toEqual({
        statusCode: 409,
        message: `Credential ${id.toLowerCase()} already exists`,
        error: 'Conflict',
      });
      const elsewhere = await request(t.http())
        .post('/api/v1/credentials')
        .set('Authorization', `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}`)
        .send(trackedBody({ id }));
      expect(elsewhere.status).toBe(409);
      expect((await call('get', `/credentials/${id}`)).body).toMatchObject({ name: first.name });
      expect((await call('get', '/credentials')).body).toHaveLength(1);
    });

    it('accepts the three example bodies of the reference page', async () => {
      await create({ credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-...' } });
      await create({
        credentialName: 'pineconeApi',
        plainDataObj: { pineconeApiKey: '...', pineconeEnv: 'us-west1-gcp' },
      });
      await create({
        credentialName: 'huggingFaceApi',
        plainDataObj: { huggingFaceApiKey: 'hf_...' },
      });
    });

    const invalidBodies: Array<[string, object, string | RegExp]> = [
      [
        'no name',
        { credentialName: 'openAIApi', plainDataObj: { a: 'b' } },
        'name must be a string',
      ],
      [
        'a blank name',
        { name: '   ', credentialName: 'openAIApi', plainDataObj: { a: 'b' } },
        'name must not be blank',
      ],
      [
        'a name over 255',
        { name: 'n'.repeat(256), credentialName: 'openAIApi', plainDataObj: { a: 'b' } },
        /name must be shorter/,
      ],
      [
        'a credentialName with a space',
        { name: 'n', credentialName: 'open ai', plainDataObj: { a: 'b' } },
        /credentialName must be 1 to 100/,
      ],
      [
        'a credentialName over 100',
        { name: 'n', credentialName: 'a'.repeat(101), plainDataObj: { a: 'b' } },
        /credentialName must be 1 to 100/,
      ],
      [
        'no plainDataObj',
        { name: 'n', credentialName: 'openAIApi' },
        'plainDataObj must be a JSON object',
      ],
      [
        'an empty plainDataObj',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: {} },
        'plainDataObj must have at least one key',
      ],
      [
        'an array plainDataObj',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: ['x'] },
        'plainDataObj must be a JSON object',
      ],
      [
        'a nested value',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { a: { b: 'c' } } },
        'plainDataObj.a must be a string, number or boolean',
      ],
      [
        'a null value',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { a: null } },
        'plainDataObj.a must be a string, number or boolean',
      ],
      [
        'an empty key',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { '': 'x' } },
        'plainDataObj keys must not be empty',
      ],
      [
        'a constructor key',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { constructor: 'x', a: 'b' } },
        /^plainDataObj.constructor is not allowed/,
      ],
      [
        '101 keys',
        {
          name: 'n',
          credentialName: 'openAIApi',
          plainDataObj: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])),
        },
        'plainDataObj must have at most 100 keys',
      ],
      [
        'over 64 KiB',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { a: 'x'.repeat(65536) } },
        'plainDataObj must be at most 65536 bytes as JSON',
      ],
      [
        'a workspaceId field',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { a: 'b' }, workspaceId: 'other' },
        'property workspaceId should not exist',
      ],
      [
        'a malformed id',
        { name: 'n', credentialName: 'openAIApi', plainDataObj: { a: 'b' }, id: 'not-a-uuid' },
        'id must be a UUID',
      ],
    ];

    for (const [label, body, message] of invalidBodies) {
      it(`refuses ${label} with a 400 that says why, and stores nothing`, async () => {
        const response = await call('post', '/credentials', body);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expectMessage(response, message);
        await expectNoCredentials();
      });
    }

    it('refuses a __proto__ key (prototype poisoning) with 400', async () => {
      const raw = `{"name":"n","credentialName":"openAIApi","plainDataObj":{"__proto__":{"isAdmin":true}}}`;
      const response = await call('post', '/credentials', raw);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        message:
          'plainDataObj.__proto__ is not allowed: __proto__, constructor and prototype are reserved keys',
        error: 'Bad Request',
      });
      await expectNoCredentials();
    });

    it('refuses malformed JSON with 400 and a body over 1 MiB with 413, both as JSON errors', async () => {
      const malformed = await call('post', '/credentials', '{"name": "n",');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({
        statusCode: 400,
        message: expect.stringContaining('not valid JSON') as unknown,
        error: 'Bad Request',
      });
      const huge = await call('post', '/credentials', {
        ...trackedBody(),
        name: 'x'.repeat(1024 * 1024),
      });
      expect(huge.status).toBe(413);
      expect(huge.body).toEqual({
        statusCode: 413,
        message: expect.any(String) as unknown,
        error: 'Payload Too Large',
      });
      await expectNoCredentials();
    });
  });

  describe('GET /credentials', () => {
    it('lists newest first, and filters by one or several credentialName values', async () => {
      const openAi = await create({ credentialName: 'openAIApi' });
      const pinecone = await create({
        credentialName: 'pineconeApi',
        plainDataObj: { pineconeApiKey: ledger.add(secretValue()) },
      });
      const cohere = await create({
        credentialName: 'cohereApi',
        plainDataObj: { cohereApiKey: ledger.add(secretValue()) },
      });

      const all = await call('get', '/credentials');
      expect(all.status).toBe(200);
      expect(all.headers['x-total-count']).toBeUndefined();
      expect((all.body as Array<{ id: string }>).map((c) => c.id)).toEqual([
        cohere.id,
        pinecone.id,
        openAi.id,
      ]);
      expect(Object.keys((all.body as object[])[0]).sort()).toEqual(CREDENTIAL_RESPONSE_KEYS);

      const one = await call('get', '/credentials?credentialName=pineconeApi');
      expect((one.body as Array<{ id: string }>).map((c) => c.id)).toEqual([pinecone.id]);

      const several = await call(
        'get',
        '/credentials?credentialName=openAIApi&credentialName=cohereApi',
      );
      expect((several.body as Array<{ id: string }>).map((c) => c.id)).toEqual([
        cohere.id,
        openAi.id,
      ]);

      const none = await call('get', '/credentials?credentialName=serpApi');
      expect(none.body).toEqual([]);
    });

    it('pages with page and limit, giving the total in X-Total-Count', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.unshift((await create({ name: `c${i}` })).id);
      }
      const first = await call('get', '/credentials?page=1&limit=2');
      expect(first.headers['x-total-count']).toBe('5');
      expect((first.body as Array<{ id: string }>).map((c) => c.id)).toEqual(ids.slice(0, 2));
      const last = await call('get', '/credentials?page=3&limit=2');
      expect((last.body as Array<{ id: string }>).map((c) => c.id)).toEqual(ids.slice(4));
      const beyond = await call('get', '/credentials?page=4&limit=2');
      expect(beyond.body).toEqual([]);
      expect(beyond.headers['x-total-count']).toBe('5');
      const limitOnly = await call('get', '/credentials?limit=3');
      expect(limitOnly.body).toHaveLength(3);
      const filtered = await call('get', '/credentials?credentialName=none&limit=3');
      expect(filtered.headers['x-total-count']).toBe('0');
    });

    for (const [query, message] of [
      ['page=0', /page must not be less than 1/],
      ['limit=0', /limit must not be less than 1/],
      ['limit=1001', /limit must not be greater than 1000/],
      ['limit=abc', /limit must be an integer/],
      ['credentialName=bad%20name', /credentialName must be 1 to 100/],
      ['unknown=1', /property unknown should not exist/],
    ] as const) {
      it(`refuses ?${query} with 400`, async () => {
        const response = await call('get', `/credentials?${query}`);
        expect(response.status).toBe(400);
        expectMessage(response, message);
      });
    }
  });

  describe('GET /credentials/:id', () => {
    it('returns the credential, with its secret redacted to the sentinel as in Flowise', async () => {
      const created = await create();
      const response = await call('get', `/credentials/${created.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...created,
        plainDataObj: { openAIApiKey: FLOWISE_REDACTED_VALUE },
      });
    });

    it('answers 404 for an unknown id and for a malformed one', async () => {
      const unknown = '0b7c7d3e-1111-4f4f-8a8a-123456789abc';
      const response = await call('get', `/credentials/${unknown}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        statusCode: 404,
        message: `Credential ${unknown} not found`,
        error: 'Not Found',
      });
      const malformed = await call('get', '/credentials/not-an-id');
      expect(malformed.status).toBe(404);
      expect(malformed.body).toEqual({
        statusCode: 404,
        message: 'Credential not found',
        error: 'Not Found',
      });
    });
  });

  describe('PUT /credentials/:id', () => {
    it('merges secret fields: replace, keep, remove with null, keep on the redaction sentinel', async () => {
      // awsApi: every input optional, so each merge rule can be shown on one credential.
      const [awsKey, awsSecret, awsSession, newKey] = [1, 2, 3, 4].map(() =>
        ledger.add(secretValue()),
      );
      const created = await create({
        credentialName: 'awsApi',
        plainDataObj: { awsKey, awsSecret, awsSession },
      });

      const response = await call('put', `/credentials/${created.id}`, {
        plainDataObj: {
          awsKey: newKey,
          awsSecret: null,
          awsSession: FLOWISE_REDACTED_VALUE,
          roleArn: 'arn:aws:iam::123456789012:role/vault',
        },
      });
      expect(response.status).toBe(200);
      const updated = response.body as Record<string, string>;
      expect(updated.name).toBe(created.name);
      expect(updated.createdDate).toBe(created.createdDate);
      expect(Date.parse(updated.updatedDate)).toBeGreaterThan(Date.parse(created.updatedDate));
      expect(updated.encryptedData).not.toBe(created.encryptedData);
      await expect(reveal(created.id)).resolves.toEqual({
        awsKey: newKey,
        awsSession,
        roleArn: 'arn:aws:iam::123456789012:role/vault',
      });
    });

    it('renames without touching the secret, and accepts an unchanged credentialName', async () => {
      const created = await create();
      const secretBefore = await reveal(created.id);
      const response = await call('put', `/credentials/${created.id}`, {
        name: 'Renamed',
        credentialName: 'openAIApi',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: 'Renamed',
        encryptedData: created.encryptedData,
      });
      await expect(reveal(created.id)).resolves.toEqual(secretBefore);
      expect((await call('get', `/credentials/${created.id}`)).body).toMatchObject(
        response.body as object,
      );
    });

    const invalidUpdates: Array<[string, object, string | RegExp]> = [
      ['an empty body', {}, 'Nothing to update: send name and/or plainDataObj'],
      [
        'another credentialName',
        { name: 'x', credentialName: 'cohereApi' },
        /credentialName cannot change/,
      ],
      [
        'a merge that empties the secret',
        { plainDataObj: { openAIApiKey: null } },
        'plainDataObj must have at least one key',
      ],
      [
        'an unknown field',
        { name: 'x', encryptedData: 'v1.x' },
        'property encryptedData should not exist',
      ],
      ['a blank name', { name: ' ' }, 'name must not be blank'],
      [
        'a nested value',
        { plainDataObj: { a: [1] } },
        'plainDataObj.a must be a string, number, boolean or null',
      ],
    ];
    for (const [label, body, message] of invalidUpdates) {
      it(`refuses ${label} with 400 and changes nothing`, async () => {
        const created = await create();
        const secretBefore = await reveal(created.id);
        const response = await call('put', `/credentials/${created.id}`, body);
        expect(response.status).toBe(400);
        expectMessage(response, message);
        expect((await call('get', `/credentials/${created.id}`)).body).toEqual({
          ...created,
          plainDataObj: { openAIApiKey: FLOWISE_REDACTED_VALUE },
        });
        await expect(reveal(created.id)).resolves.toEqual(secretBefore);
      });
    }

    it('answers 404 for an unknown or malformed id', async () => {
      expect(
        (await call('put', '/credentials/0b7c7d3e-1111-4f4f-8a8a-123456789abc', { name: 'x' }))
          .status,
      ).toBe(404);
      expect((await call('put', '/credentials/nope', { name: 'x' })).status).toBe(404);
    });
  });

  describe('DELETE /credentials/:id', () => {
    it('deletes once, then answers 404', async () => {
      const created = await create();
      const first = await call('delete', `/credentials/${created.id}`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ message: 'Credential deleted successfully' });
      const again = await call('delete', `/credentials/${created.id}`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ message: `Credential ${created.id} not found` });
      expect((await call('get', `/credentials/${created.id}`)).status).toBe(404);
      expect((await call('delete', '/credentials/nope')).status).toBe(404);
    });
  });

  it('used real secrets in this spec (the leak scans are not vacuous)', () => {
    expect(ledger.size).toBeGreaterThan(20);
  });
});
