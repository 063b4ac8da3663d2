import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  INestApplication,
  Injectable,
  Module,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, NestFactory, RouterModule } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import {
  CREDENTIALS_ENTITIES,
  CreateCredentialDto,
  CredentialInUseResponseDto,
  CredentialResponseDto,
  CredentialUsageResponseDto,
  CredentialsClient,
  CredentialsServiceModule,
  VaultMountOptions,
} from '../../src';
import { bootError } from './boot-error';
import { createCredentialBody } from './factories';
import { hostSqliteDatabase } from './host-database';
import { removeDir } from './test-app';

interface HostUser {
  id: string;
  tenant: string;
  roles: string[];
}

/** The host's own auth: its tokens are `host-<user>`; one global guard for every route. */
@Injectable()
class HostAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; user?: HostUser }>();
    const match = /^Bearer host-(\w+)$/.exec(req.headers.authorization ?? '');
    if (!match) {
      throw new UnauthorizedException('host: no token');
    }
    req.user = { id: match[1], tenant: 'tenant-a', roles: match[1] === 'viewer' ? [] : ['edit'] };
    return true;
  }
}

@Controller('host')
class HostController {
  @Get()
  hello(): { host: string } {
    return { host: 'untouched' };
  }
}

@Controller('vault/credentials')
class ClashingController {
  @Get()
  mine(): string {
    return 'host';
  }
}

function hostModule(dataDir: string, mount: VaultMountOptions, extra: object[] = []) {
  @Module({
    imports: [
      hostSqliteDatabase(join(dataDir, `host-${randomBytes(4).toString('hex')}.sqlite`)),
      CredentialsServiceModule.forRootAsync({
        ...mount,
        useFactory: () => ({
          encryptionKey: randomBytes(32),
          jwtSecret: randomBytes(32),
          resolvePrincipal: (req: { user?: HostUser }) =>
            req.user && {
              subject: req.user.id,
              workspaceId: req.user.tenant,
              permissions: req.user.roles.includes('edit')
                ? [
                    'credentials:view',
                    'credentials:create',
                    'credentials:update',
                    'credentials:delete',
                  ]
                : ['credentials:view'],
            },
        }),
      }),
    ],
    controllers: [HostController, ...(extra as never[])],
    providers: [{ provide: APP_GUARD, useClass: HostAuthGuard }],
  })
  class HostModule {}
  return HostModule;
}

describe('A host on Express with its own global guard, mounting the credentials API only', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vault-host-'));
  let app: INestApplication;
  const server = () => request(app.getHttpServer() as App);
  const as = (user: string) => ({ Authorization: `Bearer host-${user}` });

  before(async () => {
    app = await NestFactory.create(
      hostModule(dataDir, { routes: 'credentials', routePrefix: 'vault' }),
      new ExpressAdapter(),
      { logger: false, abortOnError: false },
    );
    await app.init();
  });
  after(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it('leaves the host route untouched and mounts no identity routes', async () => {
    expect((await server().get('/host').set(as('alice'))).body).toEqual({ host: 'untouched' });
    expect((await server().get('/vault/credentials').set(as('alice'))).status).toBe(200);
    for (const path of ['/vault/auth/me', '/vault/users', '/vault/workspaces', '/credentials']) {
      expect({ path, status: (await server().get(path).set(as('alice'))).status }).toEqual({
        path,
        status: 404,
      });
    }
    expect((await server().get('/vault/components-credentials').set(as('alice'))).status).toBe(200);
  });

  it("authorises vault requests with the host's token through resolvePrincipal", async () => {
    const created = await server()
      .post('/vault/credentials')
      .set(as('alice'))
      .send(createCredentialBody() as unknown as CreateCredentialDto);
    expect(created.status).toBe(201);
    expect((created.body as CredentialResponseDto).workspaceId).toBe('tenant-a');
    const denied = await server()
      .post('/vault/credentials')
      .set(as('viewer'))
      .send(createCredentialBody() as unknown as CreateCredentialDto);
    expect(denied.status).toBe(403);
    expect((await server().get('/vault/credentials')).status).toBe(401);
  });

  it('reveals in process, records lastUsedAt, and refuses to delete a credential in use', async () => {
    const client = app.get(CredentialsClient);
    const created = await client.create('tenant-a', {
      name: 'In process',
      credentialName: 'openAIApi',
      plainDataObj: { openAIApiKey: 'sk-in-process' },
    });
    expect(await client.reveal('tenant-a', created.id)).toEqual({ openAIApiKey: 'sk-in-process' });
    expect((await client.get('tenant-a', created.id)).lastUsedAt).toEqual(expect.any(String));
    await client.flushLastUsed();
    const shown = await server().get(`/vault/credentials/${created.id}`).set(as('alice'));
    expect((shown.body as CredentialResponseDto).lastUsedAt).toEqual(expect.any(String));
    // A use is not a change.
    expect((shown.body as CredentialResponseDto).updatedDate).toBe(created.updatedDate);
    expect((await client.findByName('tenant-a', 'In process')).map((c) => c.id)).toEqual([
      created.id,
    ]);
    expect((await client.findByType('tenant-a', 'openAIApi')).map((c) => c.id)).toContain(
      created.id,
    );

    await client.recordUsage('tenant-a', created.id, {
      kind: 'chatflow',
      id: 'flow-1',
      label: 'Bot',
    });
    const put = await server()
      .put(`/vault/credentials/${created.id}/usages/agent/agent-7`)
      .set(as('alice'))
      .send({ label: 'Agent 7' });
    expect(put.status).toBe(200);
    const usages = await server().get(`/vault/credentials/${created.id}/usages`).set(as('alice'));
    expect((usages.body as CredentialUsageResponseDto[]).map((u) => `${u.kind}/${u.id}`)).toEqual([
      'agent/agent-7',
      'chatflow/flow-1',
    ]);
    const refused = await server().delete(`/vault/credentials/${created.id}`).set(as('alice'));
    expect(refused.status).toBe(409);
    expect((refused.body as CredentialInUseResponseDto).usages).toHaveLength(2);
    await expect(client.delete('tenant-a', created.id)).rejects.toMatchObject({ status: 409 });
    const released = await server()
      .delete(`/vault/credentials/${created.id}/usages/agent/agent-7`)
      .set(as('alice'));
    expect(released.status).toBe(204);
    expect(
      (await server().delete(`/vault/credentials/${created.id}`).set(as('alice'))).status,
    ).toBe(409);
    const forced = await server()
      .delete(`/vault/credentials/${created.id}?force=true`)
      .set(as('alice'));
    expect(forced.status).toBe(200);
    const left: unknown[] = await app.get(DataSource).query('SELECT * FROM vault_credential_usage');
    expect(left).toEqual([]);
  });

  it('answers 404 for another workspace and 400 for a bad usage kind', async () => {
    const client = app.get(CredentialsClient);
    const other = await client.create(
      'tenant-b',
      createCredentialBody() as unknown as CreateCredentialDto,
    );
    expect(
      (await server().get(`/vault/credentials/${other.id}/usages`).set(as('alice'))).status,
    ).toBe(404);
    const mine = await client.create(
      'tenant-a',
      createCredentialBody() as unknown as CreateCredentialDto,
    );
    const bad = await server()
      .put(`/vault/credentials/${mine.id}/usages/bad%20kind/x`)
      .set(as('alice'))
      .send({});
    expect(bad.status).toBe(400);
    await expect(
      client.recordUsage('tenant-a', mine.id, { kind: '', id: 'x' }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('Embedding refuses unsafe or clashing set-ups at boot', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vault-host-refusals-'));
  after(() => removeDir(dataDir));

  it('refuses a host route that the vault also declares', async () => {
    const error = await bootError(
      hostModule(dataDir, { routePrefix: 'vault' }, [ClashingController]),
    );
    expect(error.message).toContain('GET /vault/credentials (ClashingController)');
  });

  it('refuses a jwtSecret under 32 bytes, naming the option', async () => {
    @Module({
      imports: [
        hostSqliteDatabase(join(dataDir, 'short.sqlite')),
        CredentialsServiceModule.forRoot({
          encryptionKey: randomBytes(32),
          jwtSecret: randomBytes(5),
        }),
      ],
    })
    class ShortSecretHost {}
    expect((await bootError(ShortSecretHost)).message).toContain(
      'jwtSecret must be at least 32 bytes',
    );
  });

  it("refuses a schema made by the host's synchronize", async () => {
    @Module({
      imports: [
        TypeOrmModule.forRoot({
          type: 'sqlite',
          database: join(dataDir, 'synchronized.sqlite'),
          entities: [...CREDENTIALS_ENTITIES],
          synchronize: true,
        }),
        CredentialsServiceModule.forRoot({
          encryptionKey: randomBytes(32),
          jwtSecret: randomBytes(32),
        }),
      ],
    })
    class SynchronizedHost {}
    expect((await bootError(SynchronizedHost)).message).toContain(
      'schema was not made by its migrations',
    );
  });

  it("mounts the vault under a host's RouterModule path", async () => {
    @Module({
      imports: [
        hostModule(dataDir, { routePrefix: 'vault' }),
        RouterModule.register([{ path: 'v1', module: CredentialsServiceModule }]),
      ],
    })
    class RoutedHost {}
    const app = await NestFactory.create(RoutedHost, new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await app.init();
    try {
      const auth = { Authorization: 'Bearer host-alice' };
      const server = request(app.getHttpServer() as App);
      expect((await server.get('/v1/vault/credentials').set(auth)).status).toBe(200);
      expect(
        (
          await request(app.getHttpServer() as App)
            .get('/vault/credentials')
            .set(auth)
        ).status,
      ).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('writes per-workspace data-key envelopes with encryptionKey alone', async () => {
    const app = await NestFactory.create(hostModule(dataDir, {}), new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await app.init();
    try {
      const created = await app
        .get(CredentialsClient)
        .create('ws-keys', createCredentialBody() as unknown as CreateCredentialDto);
      expect(created.encryptedData).toMatch(/^v2\.1\./);
    } finally {
      await app.close();
    }
  });
});
