import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Get, INestApplication, Injectable, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { getDataSourceToken, InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Column, DataSource, Entity, PrimaryGeneratedColumn, Repository } from 'typeorm';
import {
  CREDENTIALS_ENTITIES,
  CREDENTIALS_MIGRATIONS,
  CreateCredentialDto,
  CredentialResponseDto,
  CredentialsClient,
  CredentialsServiceModule,
} from '../../src';
import { bootError } from './boot-error';
import { createCredentialBody } from './factories';
import { removeDir } from './test-app';

/** The host's own table, on its own (default) DataSource. */
@Entity('host_note')
class HostNoteEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  text!: string;
}

@Injectable()
class HostNotes {
  constructor(@InjectRepository(HostNoteEntity) readonly rows: Repository<HostNoteEntity>) {}
}

@Controller('notes')
class HostNotesController {
  constructor(private readonly notes: HostNotes) {}

  @Post()
  add(@Body() body: { text: string }): Promise<HostNoteEntity> {
    return this.notes.rows.save({ text: body.text });
  }

  @Get()
  list(): Promise<HostNoteEntity[]> {
    return this.notes.rows.find({ order: { id: 'ASC' } });
  }
}

const vaultOptions = {
  routes: 'credentials' as const,
  routePrefix: 'vault',
  encryptionKey: randomBytes(32),
  jwtSecret: randomBytes(32),
  // The host's auth, reduced to one workspace with every credentials permission.
  resolvePrincipal: () => ({
    subject: 'host-user',
    workspaceId: 'tenant-a',
    permissions: [
      'credentials:view' as const,
      'credentials:create' as const,
      'credentials:update' as const,
      'credentials:delete' as const,
    ],
  }),
};

/** A host whose default DataSource is its own; the vault lives on the DataSource `vault`. */
function hostModule(dataDir: string, vaultDataSource: string, vaultEntities = true) {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'sqlite',
        database: join(dataDir, 'host.sqlite'),
        entities: [HostNoteEntity],
        synchronize: true,
      }),
      TypeOrmModule.forRoot({
        name: 'vault',
        type: 'sqlite',
        database: join(dataDir, 'vault.sqlite'),
        entities: vaultEntities ? [...CREDENTIALS_ENTITIES] : [],
        migrations: vaultEntities ? [...CREDENTIALS_MIGRATIONS] : [],
        migrationsRun: true,
      }),
      TypeOrmModule.forFeature([HostNoteEntity]),
      CredentialsServiceModule.forRootAsync({
        dataSource: vaultDataSource,
        routes: vaultOptions.routes,
        routePrefix: vaultOptions.routePrefix,
        useFactory: () => vaultOptions,
      }),
    ],
    controllers: [HostNotesController],
    providers: [HostNotes],
  })
  class HostModule {}
  return HostModule;
}

async function tablesOf(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  return rows.map((row) => row.name);
}

describe('A host that keeps the vault on a second, named DataSource', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vault-named-ds-'));
  let app: INestApplication;
  const server = () => request(app.getHttpServer() as App);

  before(async () => {
    app = await NestFactory.create(hostModule(dataDir, 'vault'), new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await app.init();
  });
  after(async () => {
    await app.close();
    removeDir(dataDir);
  });

  it('serves create, read, update, list and delete over HTTP', async () => {
    const created = await server()
      .post('/vault/credentials')
      .send(createCredentialBody({ name: 'On the vault DB' }) as unknown as CreateCredentialDto);
    expect(created.status).toBe(201);
    const id = (created.body as CredentialResponseDto).id;
    expect((created.body as CredentialResponseDto).workspaceId).toBe('tenant-a');

    const shown = await server().get(`/vault/credentials/${id}`);
    expect(shown.status).toBe(200);
    expect((shown.body as CredentialResponseDto).name).toBe('On the vault DB');

    const renamed = await server().put(`/vault/credentials/${id}`).send({ name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect((renamed.body as CredentialResponseDto).name).toBe('Renamed');

    const listed = await server().get('/vault/credentials?limit=10');
    expect(listed.status).toBe(200);
    expect((listed.body as CredentialResponseDto[]).map((c) => c.id)).toContain(id);
    expect(listed.headers['x-total-count']).toBe('1');

    expect((await server().delete(`/vault/credentials/${id}`)).status).toBe(200);
    expect((await server().get(`/vault/credentials/${id}`)).status).toBe(404);
  });

  it("leaves the host's own repository on the host's DataSource working", async () => {
    expect((await server().post('/notes').send({ text: 'hello' })).status).toBe(201);
    const notes = await server().get('/notes');
    expect(notes.body).toEqual([{ id: 1, text: 'hello' }]);
  });

  it("writes the vault's rows to the named database, and none of its tables to the host's", async () => {
    const kept = await app.get(CredentialsClient).create('tenant-a', {
      name: 'Kept',
      credentialName: 'openAIApi',
      plainDataObj: { openAIApiKey: 'sk-named-datasource' },
    });
    const vault = app.get<DataSource>(getDataSourceToken('vault'));
    const rows: { id: string }[] = await vault.query('SELECT id FROM vault_credential');
    expect(rows.map((row) => row.id)).toEqual([kept.id]);

    const host = app.get(DataSource);
    expect(await tablesOf(host)).toEqual(['host_note']);
    expect(await tablesOf(vault)).not.toContain('host_note');
    expect(await app.get(CredentialsClient).reveal('tenant-a', kept.id)).toEqual({
      openAIApiKey: 'sk-named-datasource',
    });
  });
});

describe('The dataSource option refuses at boot what cannot hold the vault', () => {
  it('refuses a DataSource name the host does not have, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-named-ds-missing-'));
    try {
      const error = await bootError(hostModule(dataDir, 'nowhere'));
      expect(error.message).toContain(
        'The credential vault needs the DataSource "nowhere", and the application has none',
      );
    } finally {
      removeDir(dataDir);
    }
  });

  it("refuses a named DataSource without the vault's entities, naming what is missing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-named-ds-bare-'));
    try {
      const error = await bootError(hostModule(dataDir, 'vault', false));
      expect(error.message).toContain(
        'The credential vault\'s entities are not on the DataSource "vault" (missing: CredentialEntity,',
      );
      expect(error.message).toContain('add CREDENTIALS_ENTITIES to its entities');
    } finally {
      removeDir(dataDir);
    }
  });
});
