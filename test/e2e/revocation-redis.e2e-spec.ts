import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { within } from './eventually';
import { bearer, createWorkspace, passwordValue, signedInOwner } from './identity';
import { SecretLedger } from './leak-scan';
import { createTestApp, removeDir, TestApp } from './test-app';

const redisUrl = process.env.TEST_REDIS_URL;

describe(
  'Two replicas with REDIS_URL (invalidations and login attempts in Redis)',
  {
    skip: redisUrl ? false : 'TEST_REDIS_URL is not set: this drill needs a real Redis server',
  },
  () => {
    let a: TestApp;
    let b: TestApp;
    const ledger = new SecretLedger();
    const env = {
      REDIS_URL: redisUrl,
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    };

    before(async () => {
      a = await createTestApp(env);
      b = await createTestApp(env, a.dataDir);
    });

    after(async () => {
      for (const app of [a, b]) {
        ledger.expectAbsentFrom(app.logs.lines.join('\n'), 'the logs');
      }
      await b.close();
      await a.close();
      removeDir(a.dataDir);
    });

    it('a logout on A refuses the access token on B within 1 s', async () => {
      const { session } = await signedInOwner(a, 'Redis', ledger);
      const onB = () =>
        request(b.http()).get('/api/v1/credentials').set(bearer(session.accessToken));
      expect((await onB()).status).toBe(200);
      await request(a.http())
        .post('/api/v1/auth/logout')
        .send({ refreshToken: session.refreshToken });
      const elapsed = await within(1000, async () => (await onB()).status === 401);
      console.log(`Logout on A refused on B after ${elapsed} ms (Redis)`);
    });

    it('counts login attempts once for both', async () => {
      const { owner } = await createWorkspace(a, 'Redis throttle');
      ledger.add(owner.password);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await request((i % 2 === 0 ? a : b).http())
          .post('/api/v1/auth/login')
          .send({ email: owner.email, password: ledger.add(passwordValue()) });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });
  },
);
