import { expect } from 'expect';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CREDENTIALS_MIGRATIONS } from '../../src/database/schema';
import { createCredentialBody } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';
import { createTestDatabase, postgresPassOnly, TestDatabase } from './test-store';

describe(
  'Three replicas starting at once on one empty PostgreSQL database',
  { skip: postgresPassOnly() },
  () => {
    const apps: TestApp[] = [];
    let database: TestDatabase | undefined;
    after(async () => {
      await Promise.all(apps.map((app) => app.close()));
      apps.forEach((app) => removeDir(app.dataDir));
      await database?.drop();
    });

    it('all start, the migrations run exactly once, and each serves what another wrote', async () => {
      database = await createTestDatabase();
      const env = {
        DATABASE_URL: database.url,
        ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        JWT_SECRET: randomBytes(32).toString('hex'),
        CREDENTIAL_TYPES: 'permissive',
      };
      const started = await Promise.allSettled([1, 2, 3].map(() => createTestApp(env)));
      for (const result of started) {
        if (result.status === 'fulfilled') {
          apps.push(result.value);
        }
      }
      expect(started.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);

      const history = await apps[0].app
        .get(DataSource)
        .query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
      expect(history.map((row) => row.name)).toEqual(
        CREDENTIALS_MIGRATIONS.map((migration) => (migration as { name: string }).name),
      );
      for (const app of apps) {
        expect(app.logs.lines.filter((line) => /^error/.test(line))).toEqual([]);
      }

      const workspaceId = randomWorkspaceId();
      const created = await request(apps[0].http())
        .post('/api/v1/credentials')
        .set('Authorization', `Bearer ${apps[0].tokenFor({ workspaceId })}`)
        .send(createCredentialBody())
        .expect(201);
      for (const app of apps.slice(1)) {
        await request(app.http())
          .get(`/api/v1/credentials/${(created.body as { id: string }).id}`)
          .set('Authorization', `Bearer ${app.tokenFor({ workspaceId })}`)
          .expect(200);
      }
    });
  },
);
