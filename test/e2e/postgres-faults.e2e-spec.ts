import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { createCredentialBody } from './factories';
import { querySql } from './portable-sql';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';
import { postgresPassOnly } from './test-store';

/** Polls until `check` holds, or fails after `ms`. */
async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('PostgreSQL drops the connections', { skip: postgresPassOnly() }, () => {
  let t: TestApp;
  let admin: Client;
  const workspaceId = randomWorkspaceId();
  const auth = () => ({ Authorization: `Bearer ${t.tokenFor({ workspaceId })}` });

  before(async () => {
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
    // A separate connection to the same database, the one that kills the app's.
    admin = new Client({ connectionString: t.config.postgres!.url });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await t.close();
    removeDir(t.dataDir);
  });

  async function appBackends(): Promise<number[]> {
    const rows = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.rows.map((row) => row.pid);
  }

  async function waitingOnLock(): Promise<number> {
    // Inside the admin's transaction, pg_stat_activity is a snapshot unless cleared.
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const rows = await admin.query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    return rows.rows[0].n;
  }

  it('answers 503 with Retry-After to requests in flight, writes nothing half, then recovers', async () => {
    const existing = await request(t.http())
      .post('/api/v1/credentials')
      .set(auth())
      .send(createCredentialBody({ name: 'before' }))
      .expect(201);
    const id = (existing.body as { id: string }).id;

    // Never used yet, so the guard looks it up in the database.
    const { key } = await t.app
      .get(ApiKeysService)
      .create(workspaceId, 'user-1', { name: 'ci', permissions: ['credentials:view'] });

    // Hold every request at a table, then kill the app's connections under them.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE vault_credential, vault_api_key IN ACCESS EXCLUSIVE MODE');
    const inFlight: Promise<Response>[] = [
      request(t.http())
        .get('/api/v1/credentials')
        .set(auth())
        .then((r) => r),
      request(t.http())
        .get(`/api/v1/credentials/${id}`)
        .set(auth())
        .then((r) => r),
      request(t.http())
        .get('/api/v1/credentials')
        .set('Authorization', `Bearer ${key}`)
        .then((r) => r),
      request(t.http())
        .post('/api/v1/credentials')
        .set(auth())
        .send(createCredentialBody({ name: 'lost-create' }))
        .then((r) => r),
      request(t.http())
        .put(`/api/v1/credentials/${id}`)
        .set(auth())
        .send({ name: 'lost-rename', plainDataObj: { extra: 'x' } })
        .then((r) => r),
    ];
    await waitFor(async () => (await waitingOnLock()) >= inFlight.length, 'requests in flight');
    for (const pid of await appBackends()) {
      // With a timeout, it waits for the backend to exit: the next requests meet no half-dead connection.
      await admin.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
    }
    await admin.query('ROLLBACK');

    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body as unknown }).toEqual({
        status: 503,
        body: {
          statusCode: 503,
          message: 'The database is unreachable for a moment; retry shortly',
          error: 'Service Unavailable',
        },
      });
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(t.logs.lines.filter((line) => /^error/.test(line))).toEqual([]);

    // The pool reconnects by itself: the next requests succeed, and nothing was half-written.
    const list = await request(t.http()).get('/api/v1/credentials').set(auth()).expect(200);
    expect((list.body as { name: string }[]).map((c) => c.name)).toEqual(['before']);
    const kept = await request(t.http()).get(`/api/v1/credentials/${id}`).set(auth()).expect(200);
    expect((kept.body as { name: string }).name).toBe('before');
    await request(t.http())
      .post('/api/v1/credentials')
      .set(auth())
      .send(createCredentialBody({ name: 'after' }))
      .expect(201);
    const [count] = await querySql<{ total: number }[]>(
      t.app.get(DataSource),
      'SELECT total FROM vault_credential_count WHERE workspaceId = ?',
      [workspaceId],
    );
    expect(count.total).toBe(2);
  });

  it('answers 503 with Retry-After on every route, not only the API controllers', async () => {
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set(auth())
      .send(createCredentialBody({ name: 'used' }))
      .expect(201);
    const id = (created.body as { id: string }).id;
    const login = { email: 'nobody@example.com', password: 'not-the-password' };

    // Routes outside the four API controllers' interceptors: the usages controller, and the
    // login throttle guards of both sign-in routes (guards run before any interceptor).
    await admin.query('BEGIN');
    await admin.query(
      'LOCK TABLE vault_credential, vault_login_attempt, vault_user IN ACCESS EXCLUSIVE MODE',
    );
    const inFlight: Promise<Response>[] = [
      request(t.http())
        .get(`/api/v1/credentials/${id}/usages`)
        .set(auth())
        .then((r) => r),
      request(t.http())
        .post('/api/v1/auth/login')
        .send(login)
        .then((r) => r),
      request(t.http())
        .post('/api/v1/auth/token')
        .type('form')
        .send({ grant_type: 'password', username: login.email, password: login.password })
        .then((r) => r),
    ];
    await waitFor(async () => (await waitingOnLock()) >= inFlight.length, 'requests in flight');
    for (const pid of await appBackends()) {
      // With a timeout, it waits for the backend to exit: the next requests meet no half-dead connection.
      await admin.query('SELECT pg_terminate_backend($1, 5000)', [pid]);
    }
    await admin.query('ROLLBACK');

    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => [answer.status, answer.headers['retry-after']])).toEqual(
      inFlight.map(() => [503, '1']),
    );
    for (const answer of answers) {
      expect(answer.body).toEqual({
        statusCode: 503,
        message: 'The database is unreachable for a moment; retry shortly',
        error: 'Service Unavailable',
      });
    }
    expect(t.logs.lines.filter((line) => /^error/.test(line))).toEqual([]);

    // And back: the same routes answer as usual.
    await request(t.http()).get(`/api/v1/credentials/${id}/usages`).set(auth()).expect(200);
    await request(t.http()).post('/api/v1/auth/login').send(login).expect(401);
  });
});
