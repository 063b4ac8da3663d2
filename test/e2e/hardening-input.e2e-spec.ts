import { expect } from 'expect';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { MAX_JSON_DEPTH, MAX_JSON_MEMBERS } from '../../src/http/json-shape-limits';
import { createCredentialBody } from './factories';
import { bodyOf, messageOf } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';

/** Hostile but small inputs: each is a clear 4xx, fast, and never echoes what it was sent. */
describe('Hardening: inputs', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await createTestApp();
    token = t.tokenFor({ workspaceId: 'ws-hardening' });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const post = (path: string, body: string, auth = true) => {
    const req = request(t.http()).post(`/api/v1${path}`).set('Content-Type', 'application/json');
    return (auth ? req.set('Authorization', `Bearer ${token}`) : req).send(body);
  };
  const get = (path: string) =>
    request(t.http()).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);

  const wide = (keys: number) =>
    `{${Array.from({ length: keys }, (_, i) => `"k${i}":1`).join(',')}}`;

  it('refuses a body of 80 000 keys (under 1 MiB) before validation, in milliseconds', async () => {
    const body = wide(80_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    for (const path of ['/auth/login', '/credentials']) {
      const started = process.hrtime.bigint();
      const response = await post(path, body, path !== '/auth/login');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect(response.status).toBe(400);
      expect(messageOf(response)).toBe(
        `Request body has more than ${MAX_JSON_MEMBERS} keys and array elements`,
      );
      // Before the bound: 16.5 s on login; generous for a shared machine.
      expect(ms).toBeLessThan(1000);
    }
    const inSecrets = JSON.stringify({ ...createCredentialBody(), plainDataObj: 0 }).replace(
      '0',
      wide(20_000),
    );
    expect((await post('/credentials', inSecrets)).status).toBe(400);
  });

  it('refuses deep nesting with 400, on login too (it was a 500: call stack exceeded)', async () => {
    for (const body of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    ]) {
      for (const path of ['/auth/login', '/credentials']) {
        const response = await post(path, body, path !== '/auth/login');
        expect(response.status).toBe(400);
        expect(messageOf(response)).toBe(
          `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`,
        );
      }
    }
    // Brackets inside strings are text, not nesting.
    const name = '['.repeat(200);
    const created = await post('/credentials', JSON.stringify(createCredentialBody({ name })));
    expect(created.status).toBe(201);
  });

  it('parses page and limit strictly: digits only, bounded, never a 500', async () => {
    for (const query of [
      'page=99999999999999999999',
      'page=4.758400729172852e+307',
      'page=9007199254740993',
      'page=0x10',
      'page=1e2',
      'limit=%2010%20',
      'limit=10.0',
      'page=-1',
      'page=',
      'page=1&page=2',
      'limit=Infinity',
    ]) {
      const response = await get(`/credentials?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(messageOf(response))).toMatch(/page|limit/);
    }
    expect((await get('/credentials?page=1000000&limit=1000')).status).toBe(200);
    expect((await get('/credentials?page=010&limit=5')).status).toBe(200);
  });

  it('refuses names with NUL, bidi overrides, only zero-width characters or lone surrogates', async () => {
    const cases: Array<[string, RegExp]> = [
      ['a\u0000b', /control characters/],
      ['evil\u202egnp.exe', /bidirectional/],
      ['\u200b\u200c\u200d', /visible character/],
      ['\u2060\ufeff', /visible character|blank/],
      ['abc\ud800', /well-formed Unicode/],
      ['\udc00x', /well-formed Unicode/],
    ];
    for (const [name, message] of cases) {
      const response = await post('/credentials', JSON.stringify(createCredentialBody({ name })));
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(JSON.stringify(messageOf(response))).toMatch(message);
    }
    // Every script, emoji sequences with zero-width joiners, and a lone pair all stay valid.
    for (const name of ['Prod 🔑', '👩‍💻 team', 'مفتاح', 'キー', 'a\u200db']) {
      const response = await post('/credentials', JSON.stringify(createCredentialBody({ name })));
      expect({ name, status: response.status }).toEqual({ name, status: 201 });
      expect(bodyOf(response).name).toBe(name);
    }
  });

  it('never echoes the path in a 404 or 414 body', async () => {
    const secret = `sk-${randomUUID()}`;
    const notFound = await get(`/no-such-route/${secret}?token=${secret}`);
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({
      statusCode: 404,
      message: "No route matches this GET request's path",
      error: 'Not Found',
    });
    const tooLong = await get(`/credentials/${secret}${'x'.repeat(200)}`);
    expect(tooLong.status).toBe(414);
    expect(JSON.stringify(tooLong.body)).not.toContain(secret);
    expect(bodyOf(tooLong).error).toBe('URI Too Long');
    const badUrl = await get(`/credentials/${secret}%zz`);
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(badUrl.body)).not.toContain(secret);
    expect(t.logs.lines.join('\n')).not.toContain(secret);
  });

  it('bounds the workspace id of a token: 401 saying why; UUIDs and slugs stay valid', async () => {
    for (const workspaceId of ['x'.repeat(200), 'has space', '../etc', '-leading', 'a/b', 'é']) {
      const response = await request(t.http())
        .get('/api/v1/credentials')
        .set('Authorization', `Bearer ${t.tokenFor({ workspaceId })}`);
      expect({ workspaceId, status: response.status }).toEqual({ workspaceId, status: 401 });
      expect(messageOf(response)).toMatch(/workspaceId claim must be 1 to 64 characters/);
    }
    for (const workspaceId of [randomUUID(), 'my-team', 'ws-1', 'A.b_c-9', 'x'.repeat(64)]) {
      const response = await request(t.http())
        .get('/api/v1/credentials')
        .set('Authorization', `Bearer ${t.tokenFor({ workspaceId })}`);
      expect({ workspaceId, status: response.status }).toEqual({ workspaceId, status: 200 });
    }
  });

  it("answers a create with another workspace's id exactly as with one's own taken id (409)", async () => {
    const id = randomUUID();
    const other = t.tokenFor({ workspaceId: 'ws-other' });
    const first = await request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', `Bearer ${other}`)
      .send(createCredentialBody({ id }));
    expect(first.status).toBe(201);
    const again = await request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', `Bearer ${other}`)
      .send(createCredentialBody({ id }));
    const foreign = await post('/credentials', JSON.stringify(createCredentialBody({ id })));
    expect(foreign.status).toBe(409);
    expect(foreign.body).toEqual(again.body);
    expect(JSON.stringify(foreign.body)).not.toContain('ws-other');
  });
});
