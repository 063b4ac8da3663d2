import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource, DataSourceOptions, In, Repository } from 'typeorm';
import { AppConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { postgresOptions } from '../database/postgres-options';
import { CredentialEntity } from './credential.entity';
import { CredentialsRepository } from './credentials.repository';
import { toCredentialResponse } from './credential-row-mapper';
import { createTestDatabase, postgresOnly } from '../../test/e2e/test-store';

/** A store to run the reads on, and how to drop it. */
interface Store {
  options: DataSourceOptions;
  drop(): Promise<void>;
  /** Inserts a row with dates written as the database's own text (not by TypeORM). */
  oddRow: string;
}

function sqliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'vault-repository-'));
  return {
    options: dataSourceOptions({ sqlitePath: join(dir, 'credentials.sqlite') } as AppConfig),
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    oddRow:
      'INSERT INTO vault_credential (id, name, credentialName, encryptedData, workspaceId, createdDate, updatedDate) ' +
      "VALUES ('00000000-0000-4000-8000-000000000100', 'Odd', 'openAIApi', 'v1.x', 'ws-odd', " +
      "'2026-02-01 10:00:00', '2026-02-01T10:00:05.250Z')",
  };
}

async function postgresStore(): Promise<Store> {
  const database = await createTestDatabase();
  return {
    options: postgresOptions({ url: database.url, poolSize: 2 }),
    drop: () => database.drop(),
    // PostgreSQL prints a fraction without its trailing zeros, and none at all when it is 0.
    oddRow:
      'INSERT INTO vault_credential (id, name, "credentialName", "encryptedData", "workspaceId", "createdDate", "updatedDate") ' +
      "VALUES ('00000000-0000-4000-8000-000000000100', 'Odd', 'openAIApi', 'v1.x', 'ws-odd', " +
      "'2026-02-01 10:00:00', '2026-02-01 10:00:05.25')",
  };
}

describe('CredentialsRepository on SQLite', () =>
  describeReads(() => Promise.resolve(sqliteStore())));

describe('CredentialsRepository on PostgreSQL', { skip: postgresOnly() }, () =>
  describeReads(postgresStore),
);

function describeReads(makeStore: () => Promise<Store>): void {
  let store: Store;
  let dataSource: DataSource;
  let typeorm: Repository<CredentialEntity>;
  let repository: CredentialsRepository;
  const base = Date.UTC(2026, 0, 1);

  before(async () => {
    store = await makeStore();
    dataSource = new DataSource(store.options);
    await dataSource.initialize();
    await dataSource.runMigrations();
    typeorm = dataSource.getRepository(CredentialEntity);
    repository = new CredentialsRepository(typeorm);
    const rows: CredentialEntity[] = [];
    for (let i = 0; i < 12; i++) {
      const created = new Date(base + Math.floor(i / 2) * 1000); // pairs share a date: id breaks ties
      rows.push({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        workspaceId: i % 3 === 0 ? 'ws-other' : 'ws-a',
        name: `Key ${i}`,
        credentialName: i % 2 ? 'anthropicApi' : 'openAIApi',
        encryptedData: `v1.ciphertext-${i}`,
        createdDate: created,
        updatedDate: new Date(created.getTime() + i),
        version: i + 1,
      });
    }
    await typeorm.insert(rows);
  });

  after(async () => {
    await dataSource?.destroy();
    await store?.drop();
  });

  const order = { createdDate: 'DESC', id: 'DESC' } as const;
  const responses = (rows: CredentialEntity[]): object[] => rows.map(toCredentialResponse);

  it('finds one row of the workspace, as findOneBy does', async () => {
    const id = '00000000-0000-4000-8000-000000000004';
    const expected = await typeorm.findOneBy({ id, workspaceId: 'ws-a' });
    const found = await repository.findOne('ws-a', id);
    expect(found).toEqual({ ...expected });
    expect(found?.createdDate).toBeInstanceOf(Date);
    expect(typeof found?.version).toBe('number');
  });

  it("treats another workspace's row as missing", async () => {
    expect(await repository.findOne('ws-a', '00000000-0000-4000-8000-000000000003')).toBeNull();
    expect(await repository.findOne('ws-a', '00000000-0000-4000-8000-000000000099')).toBeNull();
  });

  it('lists the workspace newest first, ties broken by id, as find does', async () => {
    const expected = await typeorm.find({ where: { workspaceId: 'ws-a' }, order });
    const { credentials, total } = await repository.list('ws-a', {});
    expect(credentials).toEqual(responses(expected));
    expect(credentials).toHaveLength(8);
    expect(total).toBeUndefined();
  });

  it('filters by credential type', async () => {
    const where = { workspaceId: 'ws-a', credentialName: In(['anthropicApi']) };
    const expected = await typeorm.find({ where, order });
    const { credentials } = await repository.list('ws-a', { credentialNames: ['anthropicApi'] });
    expect(credentials).toEqual(responses(expected));
  });

  it('pages with the total of every match, as findAndCount does', async () => {
    for (const [limit, offset] of [
      [3, 0],
      [3, 3],
      [3, 6],
      [5, 10],
    ]) {
      const [expected, expectedTotal] = await typeorm.findAndCount({
        where: { workspaceId: 'ws-a', credentialName: In(['openAIApi', 'anthropicApi']) },
        order,
        skip: offset,
        take: limit,
      });
      const { credentials, total } = await repository.list('ws-a', {
        credentialNames: ['openAIApi', 'anthropicApi'],
        limit,
        offset,
      });
      expect(credentials).toEqual(responses(expected));
      expect(total).toBe(expectedTotal);
    }
  });

  it("pages without a filter with the workspace's counter as the total", async () => {
    const [expected, expectedTotal] = await typeorm.findAndCount({
      where: { workspaceId: 'ws-a' },
      order,
      take: 3,
    });
    const { credentials, total } = await repository.list('ws-a', { limit: 3, offset: 0 });
    expect(credentials).toEqual(responses(expected));
    expect(total).toBe(expectedTotal);
    expect((await repository.list('ws-none', { limit: 3 })).total).toBe(0);
  });

  it('lists dates stored in another text form (no milliseconds) as find reads them', async () => {
    await dataSource.query(store.oddRow);
    const expected = await typeorm.find({ where: { workspaceId: 'ws-odd' } });
    const { credentials } = await repository.list('ws-odd', {});
    expect(credentials).toEqual(responses(expected));
    expect(credentials[0].createdDate).toBe('2026-02-01T10:00:00.000Z');
    expect(credentials[0].updatedDate).toBe('2026-02-01T10:00:05.250Z');
    const id = '00000000-0000-4000-8000-000000000100';
    expect(await repository.findOne('ws-odd', id)).toEqual({ ...expected[0] });
  });
}
