import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { emailValue, passwordValue } from './identity';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

const CREDENTIAL = {
  name: 'n',
  credentialName: 'openAIApi',
  plainDataObj: { openAIApiKey: 'sk-1' },
};

describe('HTTP semantics of the standalone server', () => {
  let t: TestApp;
  let auth: { Authorization: string };

  before(async () => {
    t = await createTestApp();
    auth = { Authorization: `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}` };
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('sends Cache-Control: no-store and X-Request-Id (generated, or the one sent when plain)', async () => {
    const generated = await request(t.http()).get('/api/v1/credentials').set(auth).expect(200);
    expect(generated.headers['cache-control']).toBe('no-store');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(t.http()).get('/api/v1/health').set('X-Request-Id', 'trace-42');
    expect(kept.headers['x-request-id']).toBe('trace-42');
    const forged = await request(t.http())
      .get('/api/v1/health')
      .set('X-Request-Id', 'not acceptable: spaces');
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('challenges with WWW-Authenticate: Bearer on 401 (RFC 6750)', async () => {
    const missing = await request(t.http()).get('/api/v1/credentials').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="credential-vault"');
    const bad = await request(t.http())
      .get('/api/v1/credentials')
      .set('Authorization', 'Bearer not.a.token')
      .expect(401);
    expect(bad.headers['www-authenticate']).toBe(
      'Bearer realm="credential-vault", error="invalid_token"',
    );
  });

  it('points Location at what a 201 created', async () => {
    const created = await request(t.http()).post('/api/v1/credentials').set(auth).send(CREDENTIAL);
    expect(created.status).toBe(201);
    const location = created.headers['location'];
    expect(location).toBe(`/api/v1/credentials/${(created.body as { id: string }).id}`);
    await request(t.http()).get(location).set(auth).expect(200);
  });

  it('answers a known path asked with another method with 405 and Allow', async () => {
    const response = await request(t.http()).patch('/api/v1/credentials/abc').set(auth);
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('DELETE, GET, HEAD, PUT');
    expect(response.body).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
    await request(t.http()).patch('/api/v1/no-such-thing').expect(404);
  });

  it('refuses a body that is not JSON with 415, and stores nothing', async () => {
    const response = await request(t.http())
      .post('/api/v1/credentials')
      .set(auth)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(CREDENTIAL));
    expect(response.status).toBe(415);
    expect(response.body).toEqual({
      statusCode: 415,
      message: 'Send the body as application/json',
      error: 'Unsupported Media Type',
    });
    const form = await request(t.http()).post('/api/v1/credentials').set(auth).type('form').send({
      name: 'n',
    });
    expect(form.status).toBe(415);
  });

  it('accepts a DELETE with Content-Type: application/json and no body', async () => {
    const created = await request(t.http()).post('/api/v1/credentials').set(auth).send(CREDENTIAL);
    const response = await request(t.http())
      .delete(`/api/v1/credentials/${(created.body as { id: string }).id}`)
      .set(auth)
      .set('Content-Type', 'application/json');
    expect(response.status).toBe(200);
  });

  it('links the next and previous pages of a paged list (RFC 8288)', async () => {
    const workspaceAuth = {
      Authorization: `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}`,
    };
    for (let i = 0; i < 5; i++) {
      await request(t.http())
        .post('/api/v1/credentials')
        .set(workspaceAuth)
        .send({ ...CREDENTIAL, name: `c${i}` })
        .expect(201);
    }
    const middle = await request(t.http())
      .get('/api/v1/credentials?credentialName=openAIApi&page=2&limit=2')
      .set(workspaceAuth)
      .expect(200);
    expect(middle.headers['link']).toBe(
      '</api/v1/credentials?credentialName=openAIApi&page=3&limit=2>; rel="next", ' +
        '</api/v1/credentials?credentialName=openAIApi&page=1&limit=2>; rel="prev"',
    );
    const last = await request(t.http())
      .get('/api/v1/credentials?page=3&limit=2')
      .set(workspaceAuth);
    expect(last.headers['link']).toBe('</api/v1/credentials?page=2&limit=2>; rel="prev"');
    const unpaged = await request(t.http()).get('/api/v1/credentials').set(workspaceAuth);
    expect(unpaged.headers['link']).toBeUndefined();
  });

  it('sends helmet security headers on the API and on Swagger UI', async () => {
    const docs = await request(t.http()).get('/api/docs').expect(200);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    const api = await request(t.http()).get('/api/v1/health');
    expect(api.headers['strict-transport-security']).toBeDefined();
  });
});

describe('Rate limit per principal', () => {
  let t: TestApp;
  const email = emailValue('rate');
  const password = passwordValue();

  before(async () => {
    t = await createTestApp({ RATE_LIMIT: '3', ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('counts per principal, with RateLimit-* headers, then 429 with Retry-After', async () => {
    const first = `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId(), sub: 'user-a' })}`;
    const other = `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId(), sub: 'user-b' })}`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await request(t.http()).get('/api/v1/credentials').set('Authorization', first);
      expect(ok.status).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      remaining.push(ok.headers['ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await request(t.http()).get('/api/v1/credentials').set('Authorization', first);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    await request(t.http()).get('/api/v1/credentials').set('Authorization', other).expect(200);
  });

  it('signs in with the OAuth 2.0 password grant (form body), as Swagger UI does', async () => {
    const response = await request(t.http())
      .post('/api/v1/auth/token')
      .type('form')
      .send({ grant_type: 'password', username: email, password, scope: '' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    const token = (response.body as { access_token: string }).access_token;
    await request(t.http())
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
  });
});
