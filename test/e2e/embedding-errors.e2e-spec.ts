import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response as ExpressResponse } from 'express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { INestApplication } from '@nestjs/common';
import { createCredentialBody } from './factories';
import { vaultOnSqlite } from './host-database';
import { removeDir } from './test-app';

/** A host app's catch-all filter, as many apps have one (error reporting, their own error shape). */
@Catch()
class HostErrorFilter implements ExceptionFilter {
  static readonly seen: number[] = [];

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    HostErrorFilter.seen.push(status);
    host.switchToHttp().getResponse<ExpressResponse>().status(status).json({ host: status });
  }
}

describe('Embedded on Express: the vault answers server-state errors, the host filters the rest', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vault-embed-errors-'));
  const jwtSecret = randomBytes(32);
  let app: INestApplication;
  let server: () => ReturnType<typeof request>;
  let auth: { Authorization: string };

  before(async () => {
    @Module({
      imports: vaultOnSqlite(join(dataDir, 'host.sqlite'), jwtSecret),
      providers: [{ provide: APP_FILTER, useClass: HostErrorFilter }],
    })
    class HostModule {}

    app = await NestFactory.create(HostModule, new ExpressAdapter(), { logger: false });
    await app.init();
    server = () => request(app.getHttpServer() as App);
    const token = new JwtService().sign(
      { sub: 'host-user', workspaceId: 'host-ws' },
      { secret: jwtSecret, algorithm: 'HS256', expiresIn: 300 },
    );
    auth = { Authorization: `Bearer ${token}` };
  });
  after(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it("passes the vault's ordinary errors to the host's filter", async () => {
    HostErrorFilter.seen.length = 0;
    const missing = await server()
      .get('/credentials/0b7c7d3e-1111-4f4f-8a8a-123456789abc')
      .set(auth);
    expect({ status: missing.status, body: missing.body as unknown }).toEqual({
      status: 404,
      body: { host: 404 },
    });
    const anonymous = await server().get('/credentials');
    expect(anonymous.body).toEqual({ host: 401 });
    expect(HostErrorFilter.seen).toEqual([404, 401]);
  });

  it('answers a full disk with 507 itself, saves nothing, and works again once there is room', async () => {
    const dataSource = app.get(DataSource);
    const [{ page_count: pages }] =
      await dataSource.query<{ page_count: number }[]>('PRAGMA page_count');
    HostErrorFilter.seen.length = 0;
    await dataSource.query(`PRAGMA max_page_count = ${pages}`);
    const big = { plainDataObj: { openAIApiKey: 'k'.repeat(60_000) } };
    try {
      const full = await server().post('/credentials').set(auth).send(createCredentialBody(big));
      expect({ status: full.status, body: full.body as unknown }).toEqual({
        status: 507,
        body: {
          statusCode: 507,
          message: 'The server is out of storage: nothing was saved. Retry later.',
          error: 'Insufficient Storage',
        },
      });
      expect(HostErrorFilter.seen).toEqual([]);
    } finally {
      await dataSource.query('PRAGMA max_page_count = 1073741823');
    }
    const list = await server().get('/credentials').set(auth).expect(200);
    expect((list.body as { name: string }[]).map((c) => c.name)).toEqual([]);
    await server().post('/credentials').set(auth).send(createCredentialBody(big)).expect(201);
  });

  it('sends the ETag from the handler, and Express turns a current If-None-Match into a 304', async () => {
    const created = await server()
      .post('/credentials')
      .set(auth)
      .send(createCredentialBody({ name: 'tagged' }))
      .expect(201);
    expect(created.headers.etag).toBe('"1"');
    const id = (created.body as { id: string }).id;
    const got = await server().get(`/credentials/${id}`).set(auth).expect(200);
    expect(got.headers.etag).toBe('"1"');
    await server().get(`/credentials/${id}`).set(auth).set('If-None-Match', '"1"').expect(304);
    const renamed = await server()
      .put(`/credentials/${id}`)
      .set(auth)
      .send({ name: 'renamed' })
      .expect(200);
    expect(renamed.headers.etag).toBe('"2"');
  });
});
