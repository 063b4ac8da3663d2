import { expect } from 'expect';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { IdempotencyKeyEntity } from '../../src/idempotency/idempotency-key.entity';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { createCredentialBody, secretValue } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

describe('Idempotency-Key on credential writes', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp({ IDEMPOTENCY_TTL: '2s' });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  function authFor(workspaceId: string): string {
    return `Bearer ${t.tokenFor({ workspaceId })}`;
  }

  function create(workspaceId: string, body: Record<string, unknown>, key?: string) {
    const call = request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', authFor(workspaceId));
    return (key === undefined ? call : call.set('Idempotency-Key', key)).send(body);
  }

  async function countIn(workspaceId: string): Promise<number> {
    const list = await request(t.http())
      .get('/api/v1/credentials')
      .set('Authorization', authFor(workspaceId))
      .expect(200);
    return (list.body as unknown[]).length;
  }

  async function storedRows(workspaceId: string): Promise<Array<Record<string, unknown>>> {
    return t.app
      .get(DataSource)
      .createQueryBuilder()
      .select('*')
      .from('vault_idempotency_key', 'k')
      .where('k.workspaceId = :workspaceId', { workspaceId })
      .getRawMany();
  }

  it('replays the first answer to a retry, creates nothing more, and keeps no plaintext', async () => {
    const workspaceId = randomWorkspaceId();
    const secret = secretValue();
    const body = createCredentialBody({ plainDataObj: { openAIApiKey: secret } });
    const first = await create(workspaceId, body, 'create-1').expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const retry = await create(workspaceId, body, 'create-1').expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await countIn(workspaceId)).toBe(1);

    // Keys sorted differently are the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    await create(workspaceId, reordered, 'create-1').expect(201);
    expect(await countIn(workspaceId)).toBe(1);

    const rows = await storedRows(workspaceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'done', responseStatus: 201 });
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain('openAIApiKey');
  });

  it('finds what a create killed before keeping its answer wrote, instead of a second one', async () => {
    const workspaceId = randomWorkspaceId();
    const body = createCredentialBody();
    const first = await create(workspaceId, body, 'crash-1').expect(201);
    // As a replica killed between the write and keeping its answer leaves the key: still "in
    // progress", and abandoned once its claim is older than a minute.
    await t.app
      .get(DataSource)
      .getRepository(IdempotencyKeyEntity)
      .update(
        { workspaceId, idempotencyKey: 'crash-1' },
        {
          state: 'in-progress',
          responseStatus: null,
          responseBody: null,
          responseHeaders: null,
          createdAt: new Date(Date.now() - 120_000),
          expiresAt: new Date(Date.now() + 60_000),
        },
      );

    const retry = await create(workspaceId, body, 'crash-1').expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(await countIn(workspaceId)).toBe(1);
    expect(await storedRows(workspaceId)).toEqual([
      expect.objectContaining({ state: 'done', responseStatus: 201 }),
    ]);
    // A client's own id is kept as it chose it.
    const own = '5f0f5d3e-7c1a-4b8e-9d2f-0a1b2c3d4e5f';
    const chosen = await create(workspaceId, { ...body, id: own }, 'crash-2').expect(201);
    expect((chosen.body as { id: string }).id).toBe(own);
  });

  it('replays an update and answers 422 to the same key with another body', async () => {
    const workspaceId = randomWorkspaceId();
    const id = (await create(workspaceId, createCredentialBody()).expect(201)).body as {
      id: string;
    };
    const update = (name: string, key: string) =>
      request(t.http())
        .put(`/api/v1/credentials/${id.id}`)
        .set('Authorization', authFor(workspaceId))
        .set('Idempotency-Key', key)
        .send({ name });
    const first = await update('renamed once', '"update-1"').expect(200);
    const retry = await update('renamed once', 'update-1').expect(200);
    expect(retry.body).toEqual(first.body);

    const reused = await update('renamed twice', 'update-1').expect(422);
    expect(reused.body).toEqual({
      statusCode: 422,
      message: 'This Idempotency-Key was used with another request; send a new key',
      error: 'Unprocessable Entity',
    });
    const reusedOnCreate = await create(workspaceId, createCredentialBody(), 'update-1').expect(
      422,
    );
    expect(reusedOnCreate.body).toMatchObject({ statusCode: 422 });
    expect(await countIn(workspaceId)).toBe(1);
  });

  it('lets one of two concurrent requests with one key run; the other gets 409 and Retry-After', async () => {
    const workspaceId = randomWorkspaceId();
    const body = createCredentialBody();
    const [a, b] = await Promise.all([
      create(workspaceId, body, 'race-1'),
      create(workspaceId, body, 'race-1'),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.headers['retry-after']).toBe('1');
    expect(conflict.body).toMatchObject({
      statusCode: 409,
      message: 'A request with this Idempotency-Key is still in progress; retry later',
    });
    expect(await countIn(workspaceId)).toBe(1);
    await create(workspaceId, body, 'race-1').expect(201);
    expect(await countIn(workspaceId)).toBe(1);
  });

  it('keeps keys per workspace', async () => {
    const [one, two] = [randomWorkspaceId(), randomWorkspaceId()];
    const first = await create(one, createCredentialBody(), 'shared-key').expect(201);
    const second = await create(two, createCredentialBody(), 'shared-key').expect(201);
    expect(second.body).not.toEqual(first.body);
    expect((second.body as { workspaceId: string }).workspaceId).toBe(two);
    expect(await countIn(one)).toBe(1);
    expect(await countIn(two)).toBe(1);
  });

  it('behaves as before without the header', async () => {
    const workspaceId = randomWorkspaceId();
    const body = createCredentialBody();
    await create(workspaceId, body).expect(201);
    await create(workspaceId, body).expect(201);
    expect(await countIn(workspaceId)).toBe(2);
    expect(await storedRows(workspaceId)).toHaveLength(0);
  });

  it('keeps a validation error, but releases the key after a failure a retry may fix', async () => {
    const workspaceId = randomWorkspaceId();
    const bad = createCredentialBody({ plainDataObj: {} });
    const first = await create(workspaceId, bad, 'bad-1').expect(400);
    const again = await create(workspaceId, bad, 'bad-1').expect(400);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');

    // 409 "already exists" is not final for the key: the row is released.
    const body = createCredentialBody();
    const created = (await create(workspaceId, body).expect(201)).body as { id: string };
    await create(workspaceId, { ...body, id: created.id }, 'dup-1').expect(409);
    expect((await storedRows(workspaceId)).map((row) => row.idempotencyKey)).toEqual(['bad-1']);
  });

  it('refuses malformed keys with 400', async () => {
    const workspaceId = randomWorkspaceId();
    for (const key of ['x'.repeat(256), 'caf\u00e9', '""']) {
      const response = await create(workspaceId, createCredentialBody(), key);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        message: 'Idempotency-Key must be 1-255 printable ASCII characters',
      });
    }
    expect(await countIn(workspaceId)).toBe(0);
  });

  it('forgets a key once it expires, and prunes expired rows', async () => {
    const workspaceId = randomWorkspaceId();
    const body = createCredentialBody();
    await create(workspaceId, body, 'short-lived').expect(201);
    await create(workspaceId, createCredentialBody(), 'pruned').expect(201);
    await sleep(2100);
    // Expired: the key is free again, for another request (no 422, no replay).
    const after = await create(workspaceId, createCredentialBody(), 'short-lived').expect(201);
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(await countIn(workspaceId)).toBe(3);
    // The same request again finds what it created: its id comes from the key and the body.
    const same = await create(workspaceId, body, 'again').expect(201);
    await sleep(2100);
    expect((await create(workspaceId, body, 'again').expect(201)).body).toEqual(same.body);
    expect(await countIn(workspaceId)).toBe(4);
    expect(await t.app.get(IdempotencyService).prune()).toBeGreaterThanOrEqual(1);
    expect((await storedRows(workspaceId)).map((row) => row.idempotencyKey)).toEqual(['again']);
  });
});

describe('Idempotency-Key in the OpenAPI document', () => {
  it('declares the header, the 409 with Retry-After, the 422 and the replay marker', async () => {
    const t = await createTestApp();
    try {
      const document = (await request(t.http()).get('/api/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, OperationDoc>>;
      };
      for (const [path, method, success] of [
        ['/api/v1/credentials', 'post', '201'],
        ['/api/v1/credentials/{id}', 'put', '200'],
      ] as const) {
        const operation = document.paths[path][method];
        expect(operation.parameters).toContainEqual(
          expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: false }),
        );
        expect(operation.responses['409'].description).toContain('still in progress');
        expect(operation.responses['409'].headers).toHaveProperty('Retry-After');
        expect(operation.responses['422']).toBeDefined();
        expect(operation.responses[success].headers).toHaveProperty('Idempotent-Replayed');
      }
      const list = document.paths['/api/v1/credentials'].get;
      expect(JSON.stringify(list)).not.toContain('Idempotency-Key');
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });
});

interface OperationDoc {
  parameters?: Array<Record<string, unknown>>;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}
