import { expect } from 'expect';
import { mkdtempSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/core/errors';
import { createCredentialBody } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

const FLOWISE = 'http://localhost:8080';
const OTHER = 'https://evil.example';

/** A browser's preflight for Flowise's client: JSON, its `x-request-from` and a bearer token. */
const preflight = (t: TestApp, origin: string, method = 'PUT') =>
  request(t.http())
    .options('/api/v1/credentials/3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', 'authorization,content-type,x-request-from');

describe('CORS (CORS_ORIGINS set)', () => {
  let t: TestApp;
  let auth: { Authorization: string };

  before(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${FLOWISE}, https://flowise.example.com` });
    auth = { Authorization: `Bearer ${t.tokenFor({ workspaceId: randomWorkspaceId() })}` };
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers a preflight from an allowed origin with 204 and the Access-Control headers', async () => {
    const response = await preflight(t, FLOWISE);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(FLOWISE);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-methods']).toContain('PUT');
    expect(response.headers['access-control-allow-methods']).toContain('DELETE');
    expect(response.headers['access-control-allow-headers']).toBe(
      'authorization,content-type,x-request-from',
    );
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers.vary).toMatch(/Origin/i);
  });

  it('gives an allowed origin its own origin back and exposes the headers clients read', async () => {
    await request(t.http())
      .post('/api/v1/credentials')
      .set(auth)
      .send(createCredentialBody())
      .expect(201);
    const response = await request(t.http())
      .get('/api/v1/credentials?page=1&limit=10')
      .set(auth)
      .set('Origin', 'https://flowise.example.com');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://flowise.example.com');
    expect(response.headers['x-total-count']).toBe('1');
    const exposed = response.headers['access-control-expose-headers']
      .split(',')
      .map((name) => name.trim().toLowerCase());
    for (const name of [
      'x-total-count',
      'etag',
      'location',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'x-request-id',
      'idempotent-replayed',
    ]) {
      expect({ name, exposed: exposed.includes(name) }).toEqual({ name, exposed: true });
    }
  });

  it('sends no Access-Control-Allow-Origin to an origin not on the list', async () => {
    const refused = await preflight(t, OTHER);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await request(t.http()).get('/api/v1/health').set('Origin', OTHER);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    // The lookalike of an allowed origin is another origin.
    const lookalike = await preflight(t, 'http://localhost:8080.evil.example');
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not let CORS bypass authentication', async () => {
    const response = await request(t.http()).get('/api/v1/credentials').set('Origin', FLOWISE);
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(FLOWISE);
  });
});

describe('CORS (CORS_ORIGINS unset, the default)', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('sends no Access-Control headers and does not answer preflights', async () => {
    const refused = await preflight(t, FLOWISE);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(
      Object.keys(refused.headers).filter((name) => name.startsWith('access-control-')),
    ).toEqual([]);
    const simple = await request(t.http()).get('/api/v1/health').set('Origin', FLOWISE);
    const corsHeaders = Object.keys(simple.headers).filter((name) =>
      name.startsWith('access-control-'),
    );
    expect(corsHeaders).toEqual([]);
  });
});

describe('CORS_ORIGINS validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cors-config-'));
  after(() => removeDir(dir));

  it('refuses a wildcard or a URL with a path, naming the entry', () => {
    const load = (value: string) => () => loadConfig({ DATA_DIR: dir, CORS_ORIGINS: value });
    expect(load('*')).toThrow(ConfigError);
    expect(load('https://ok.example,https://flowise.example/ui')).toThrow(
      /CORS_ORIGINS entry 2 must be an origin/,
    );
    expect(
      loadConfig({ DATA_DIR: dir, CORS_ORIGINS: 'https://Flowise.Example' }).corsOrigins,
    ).toEqual(['https://flowise.example']);
  });
});
