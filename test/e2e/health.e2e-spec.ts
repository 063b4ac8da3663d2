import { expect } from 'expect';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ShutdownState } from '../../src/health/shutdown-state';
import { createTestApp, removeDir, TestApp } from './test-app';

describe('Health: liveness and readiness', () => {
  let t: TestApp;

  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers liveness with 200 and no checks', async () => {
    const live = await request(t.http()).get('/api/v1/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('is not ready while a migration is pending', async () => {
    const migrations = t.app.get(DataSource).createQueryBuilder().from('migrations', 'm');
    const last = (await migrations
      .clone()
      .select(['m.id AS id', 'm.timestamp AS timestamp', 'm.name AS name'])
      .orderBy('m.id', 'DESC')
      .limit(1)
      .getRawOne<{ id: number; timestamp: number; name: string }>())!;
    await t.app
      .get(DataSource)
      .createQueryBuilder()
      .delete()
      .from('migrations')
      .where('id = :id', { id: last.id })
      .execute();
    try {
      const ready = await request(t.http()).get('/api/v1/health/ready').expect(503);
      expect(ready.body).toMatchObject({
        status: 'error',
        error: { migrations: { status: 'down', message: '1 migration(s) pending', pending: 1 } },
      });
    } finally {
      await t.app
        .get(DataSource)
        .createQueryBuilder()
        .insert()
        .into('migrations', ['id', 'timestamp', 'name'])
        .values(last)
        .execute();
    }
  });

  it('is ready when the database answers, migrations are applied and the keys are loaded', async () => {
    const ready = await request(t.http()).get('/api/v1/health/ready').expect(200);
    const up = { status: 'up' };
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { shutdown: up, database: up, migrations: up, keys: up },
      error: {},
    });
  });

  describe('once the shutdown has begun', () => {
    afterEach(() => {
      // The state only moves forward in a real process; the test puts it back by hand.
      Object.assign(t.app.get(ShutdownState), { shuttingDown: false });
    });

    it('answers readiness with 503, liveness and /health as before', async () => {
      t.app.get(ShutdownState).begin();
      const ready = await request(t.http()).get('/api/v1/health/ready').expect(503);
      // Every 503 of the server says when to come back, the health checks' too.
      expect(ready.headers['retry-after']).toBe('1');
      expect(ready.body).toMatchObject({
        status: 'error',
        error: { shutdown: { status: 'down', message: 'shutting down: draining requests' } },
      });
      await request(t.http()).get('/api/v1/health/live').expect(200);
      await request(t.http()).get('/api/v1/health').expect(200);
    });
  });
});
