import { expect } from 'expect';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { AUTH_FAILURE_REASONS, CREDENTIAL_OPERATIONS } from '../../src/core/vault-telemetry';
import { createCredentialBody, secretValue } from './factories';
import { createWorkspace, login } from './identity';
import { SecretLedger } from './leak-scan';
import { scrape } from './prometheus-scrape';
import { createTestApp, removeDir, TestApp } from './test-app';
import { onPostgres } from './test-store';

const CREDENTIALS = '/api/v1/credentials';
const HTTP = 'vault_http_request_duration_seconds_count';

describe('Metrics: GET /metrics behind METRICS_TOKEN, with plausible counts', () => {
  const ledger = new SecretLedger();
  const metricsToken = ledger.add(randomBytes(24).toString('hex'));
  let t: TestApp;
  const api = () => request(t.http());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    t = await createTestApp({ METRICS_TOKEN: metricsToken, RATE_LIMIT: '40' });
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  it('refuses a scrape without the token or with another one (401, no series)', async () => {
    for (const headers of [{}, bearer('x'.repeat(64)), { Authorization: metricsToken }]) {
      const response = await api().get('/metrics').set(headers);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.text).not.toMatch(/vault_|process_/);
      ledger.expectResponseClean(response, 'GET /metrics without the token');
    }
    expect((await api().get('/api/v1/metrics').set(bearer(metricsToken))).status).toBe(404);
  });

  it('is not in the OpenAPI document, and not rate limited like the API', async () => {
    const document = (await api().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).filter((path) => path.includes('metrics'))).toEqual([]);
    for (let i = 0; i < 60; i++) {
      await scrape(t, metricsToken);
    }
  });

  it('counts a realistic session: operations, refusals, routes, queries, keys', async () => {
    const before = await scrape(t, metricsToken);
    const { workspaceId, owner } = await createWorkspace(t, 'Metrics');
    ledger.add(owner.password);
    const session = await login(t, owner, workspaceId);
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);
    const auth = bearer(session.accessToken);

    const secrets = Array.from({ length: 5 }, () => ledger.add(secretValue('metrics')));
    const ids: string[] = [];
    for (const secret of secrets) {
      const body = createCredentialBody({ plainDataObj: { openAIApiKey: secret } });
      const created = await api().post(CREDENTIALS).set(auth).send(body).expect(201);
      ids.push((created.body as { id: string }).id);
    }
    await api().get(CREDENTIALS).set(auth).expect(200);
    await api().get(`${CREDENTIALS}/${ids[0]}`).set(auth).expect(200);
    await api().get(`${CREDENTIALS}/${ids[1]}`).set(auth).expect(200);
    await api().put(`${CREDENTIALS}/${ids[2]}`).set(auth).send({ name: 'Renamed' }).expect(200);
    await api().delete(`${CREDENTIALS}/${ids[3]}`).set(auth).expect(200);
    await api().get(`${CREDENTIALS}/${ids[3]}`).set(auth).expect(404);
    await api().get('/api/v1/no-such-route/42').expect(404);

    // Refusals, one of each kind a client can cause.
    await api().get(CREDENTIALS).expect(401);
    await api().get(CREDENTIALS).set(bearer('not.a.token')).expect(401);
    await api()
      .get(CREDENTIALS)
      .set(bearer(t.tokenFor({ workspaceId }, -60)))
      .expect(401);
    await api()
      .get(CREDENTIALS)
      .set(bearer(`cvk_${randomBytes(32).toString('base64url')}`))
      .expect(401);
    const wrongPassword = ledger.add(`wrong-${secretValue('pw')}`);
    await api()
      .post('/api/v1/auth/login')
      .send({ email: owner.email, password: wrongPassword })
      .expect(401);
    const refreshed = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    ledger.add((refreshed.body as { refreshToken: string }).refreshToken);
    ledger.add((refreshed.body as { accessToken: string }).accessToken);
    await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(401);
    // The reuse ended the session: its access token is revoked now.
    await api().get(CREDENTIALS).set(auth).expect(401);

    const now = await scrape(t, metricsToken);
    const operation = (name: string) =>
      now.delta(before, 'vault_credential_operations_total', { operation: name });
    expect(operation('create')).toBe(5);
    expect(operation('list')).toBe(1);
    expect(operation('get')).toBe(2);
    expect(operation('update')).toBe(1);
    expect(operation('delete')).toBe(1);
    expect(operation('reveal')).toBe(0);

    const refused = (reason: string) => now.delta(before, 'vault_auth_failures_total', { reason });
    expect(refused('missing_token')).toBe(1);
    expect(refused('bad_token')).toBe(1);
    expect(refused('expired_token')).toBe(1);
    expect(refused('bad_api_key')).toBe(1);
    expect(refused('bad_password')).toBe(1);
    expect(refused('refresh_token_reuse')).toBe(1);
    expect(refused('revoked_token')).toBe(1);
    // Every series of a fixed label set exists from the start, at zero until it happens.
    for (const reason of AUTH_FAILURE_REASONS) {
      expect(before.value('vault_auth_failures_total', { reason })).toBeDefined();
    }
    for (const name of CREDENTIAL_OPERATIONS) {
      expect(before.value('vault_credential_operations_total', { operation: name })).toBeDefined();
    }

    const requests = (method: string, route: string, status: string) =>
      now.delta(before, HTTP, { method, route, status });
    expect(requests('POST', CREDENTIALS, '201')).toBe(5);
    expect(requests('GET', `${CREDENTIALS}/:id`, '200')).toBe(2);
    expect(requests('GET', `${CREDENTIALS}/:id`, '404')).toBe(1);
    expect(requests('GET', CREDENTIALS, '401')).toBe(5);
    expect(requests('GET', 'unmatched', '404')).toBe(1);
    expect(
      now.delta(before, 'vault_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: CREDENTIALS,
        status: '201',
        le: '+Inf',
      }),
    ).toBe(5);

    expect(
      now.delta(before, 'vault_db_query_duration_seconds_count', { statement: 'insert' }),
    ).toBeGreaterThanOrEqual(5);
    expect(
      now.delta(before, 'vault_db_query_duration_seconds_count', { statement: 'select' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      now.delta(before, 'vault_db_query_duration_seconds_sum', { statement: 'select' }),
    ).toBeGreaterThan(0);
    expect(now.delta(before, 'vault_key_operations_total', { operation: 'data_key_created' })).toBe(
      1,
    );
    expect(
      now.delta(before, 'vault_key_operations_total', { operation: 'data_key_unwrapped' }),
    ).toBeGreaterThanOrEqual(1);
    expect(now.value('vault_audit_write_failures_total')).toBe(0);
    expect(now.has('process_cpu_user_seconds_total')).toBe(true);
    expect(now.has('nodejs_heap_size_used_bytes')).toBe(true);
    expect(now.has('vault_db_pool_open_connections')).toBe(onPostgres);

    // Labels are route templates and fixed words: no id, email, name or secret in any series.
    for (const value of [...ids, workspaceId, owner.email, 'Renamed', 'no-such-route']) {
      expect(now.text).not.toContain(value);
    }
    ledger.expectAbsentFrom(now.text, 'the scrape');
  });
});

describe('Metrics off: without METRICS_TOKEN there is no /metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers 404 with or without a bearer', async () => {
    await request(t.http()).get('/metrics').expect(404);
    await request(t.http())
      .get('/metrics')
      .set('Authorization', `Bearer ${'y'.repeat(40)}`)
      .expect(404);
  });
});
