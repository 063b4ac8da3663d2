import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ExpressAdapter } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createCredentialBody } from './factories';
import { vaultOnSqlite } from './host-database';
import { removeDir } from './test-app';

@Controller('host')
class HostController {
  @Get()
  hello(): { host: string } {
    return { host: 'untouched' };
  }
}

describe('Embedding CredentialsServiceModule in a host app on Express', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vault-embed-'));
  const jwtSecret = randomBytes(32);
  let app: INestApplication;

  before(async () => {
    @Module({
      imports: vaultOnSqlite(join(dataDir, 'host.sqlite'), jwtSecret),
      controllers: [HostController],
    })
    class HostModule {}

    app = await NestFactory.create(HostModule, new ExpressAdapter(), { logger: false });
    app.setGlobalPrefix('vault');
    await app.init();
  });
  after(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it('leaves the host route public and untouched', async () => {
    const response = await request(app.getHttpServer() as App).get('/vault/host');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ host: 'untouched' });
  });

  it('rejects anonymous calls on every one of our routes', async () => {
    const id = '0b7c7d3e-1111-4f4f-8a8a-123456789abc';
    for (const [method, path] of [
      ['get', '/vault/credentials'],
      ['post', '/vault/credentials'],
      ['get', `/vault/credentials/${id}`],
      ['put', `/vault/credentials/${id}`],
      ['delete', `/vault/credentials/${id}`],
    ] as const) {
      const server = request(app.getHttpServer() as App);
      const response = await server[method](path).send({});
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({
        route: `${method} ${path}`,
        status: 401,
      });
    }
  });

  it('serves the credentials API with a token, paging headers included', async () => {
    const token = new JwtService().sign(
      { sub: 'host-user', workspaceId: 'host-ws' },
      { secret: jwtSecret, algorithm: 'HS256', expiresIn: 60 },
    );
    const server = request(app.getHttpServer() as App);
    const created = await server
      .post('/vault/credentials')
      .set('Authorization', `Bearer ${token}`)
      .send(createCredentialBody());
    expect(created.status).toBe(201);
    const list = await server
      .get('/vault/credentials?limit=10')
      .set('Authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    expect(list.headers['x-total-count']).toBe('1');
    expect(list.body).toEqual([created.body]);
    const invalid = await server
      .post('/vault/credentials')
      .set('Authorization', `Bearer ${token}`)
      .send({ ...createCredentialBody(), extra: 1 });
    expect(invalid.status).toBe(400);
  });
});
