import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { createTestApp, removeDir, TestApp } from './test-app';

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('Bearer token authentication', () => {
  let t: TestApp;
  const workspaceId = 'ws-auth';
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const sign = (claims: object, secret: Buffer | string = t.config.jwtSecret) =>
    new JwtService().sign(claims, { secret, algorithm: 'HS256' });

  const routes: Array<[string, string]> = [
    ['get', '/api/v1/credentials'],
    ['get', '/api/v1/credentials/0b7c7d3e-1111-4f4f-8a8a-123456789abc'],
    ['post', '/api/v1/credentials'],
    ['put', '/api/v1/credentials/0b7c7d3e-1111-4f4f-8a8a-123456789abc'],
    ['delete', '/api/v1/credentials/0b7c7d3e-1111-4f4f-8a8a-123456789abc'],
  ];

  async function expect401(authorization: string | undefined, message: string | RegExp) {
    for (const [method, path] of routes) {
      let req = request(t.http())[method as 'get'](path);
      if (authorization !== undefined) {
        req = req.set('Authorization', authorization);
      }
      const response = await req.send({
        name: 'n',
        credentialName: 'openAIApi',
        plainDataObj: { a: 'b' },
      });
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({
        route: `${method} ${path}`,
        status: 401,
      });
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect((response.body as { message: string }).message).toMatch(message);
    }
  }

  it('accepts a valid HS256 token', async () => {
    const response = await request(t.http())
      .get('/api/v1/credentials')
      .set('Authorization', `Bearer ${t.tokenFor({ workspaceId })}`);
    expect(response.status).toBe(200);
  });

  it('refuses a request without an Authorization header', () =>
    expect401(undefined, /Missing bearer token/));

  it('refuses another scheme', () =>
    expect401(`Basic ${base64url('user:pass')}`, /Missing bearer token/));

  it('refuses a malformed token', () => expect401('Bearer not.a.jwt', /Invalid token/));

  it('refuses a token signed with another secret', () =>
    expect401(
      `Bearer ${sign({ sub: 'u', workspaceId, exp: now() + 60 }, 'another-secret-another-secret-12345')}`,
      /invalid signature/,
    ));

  it('refuses alg none', () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', workspaceId, exp: now() + 60 })}.`;
    return expect401(`Bearer ${unsigned}`, /Invalid token/);
  });

  it('refuses any algorithm but HS256 (HS512, RS256)', async () => {
    const hs512 = new JwtService().sign(
      { sub: 'u', workspaceId },
      { secret: t.config.jwtSecret, algorithm: 'HS512', expiresIn: 60 },
    );
    await expect401(`Bearer ${hs512}`, /invalid algorithm/);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = new JwtService().sign(
      { sub: 'u', workspaceId },
      {
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        algorithm: 'RS256',
        expiresIn: 60,
      },
    );
    await expect401(`Bearer ${rs256}`, /invalid algorithm/);
  });

  it('refuses an expired token', () =>
    expect401(`Bearer ${sign({ sub: 'u', workspaceId, exp: now() - 10 })}`, 'Token expired'));

  it('refuses a token it accepted before once the token expires', async () => {
    // The guard remembers verified tokens; the memory must end exactly at `exp`.
    const exp = now() + 2;
    const token = sign({ sub: 'u', workspaceId, exp });
    for (let i = 0; i < 3; i++) {
      const response = await request(t.http())
        .get('/api/v1/credentials')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 50));
    await expect401(`Bearer ${token}`, 'Token expired');
  });

  it('refuses a token signed with another secret even after the right one was accepted', async () => {
    const claims = { sub: 'u', workspaceId, exp: now() + 60 };
    const good = sign(claims);
    expect(
      (await request(t.http()).get('/api/v1/credentials').set('Authorization', `Bearer ${good}`))
        .status,
    ).toBe(200);
    await expect401(
      `Bearer ${sign(claims, 'another-secret-another-secret-another')}`,
      /invalid signature/,
    );
  });

  it('refuses a token without workspaceId, sub or exp', async () => {
    await expect401(
      `Bearer ${sign({ sub: 'u', exp: now() + 60 })}`,
      'Token has no workspaceId claim',
    );
    await expect401(
      `Bearer ${sign({ workspaceId, exp: now() + 60 })}`,
      'Token has no sub (user id) claim',
    );
    await expect401(
      `Bearer ${sign({ sub: 'u', workspaceId })}`,
      'Token has no exp claim: tokens must expire',
    );
  });

  it('keeps health and the API docs public', async () => {
    const health = await request(t.http()).get('/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
    expect((await request(t.http()).get('/api/docs')).status).toBe(200);
    expect((await request(t.http()).get('/api/docs-json')).status).toBe(200);
  });
});
