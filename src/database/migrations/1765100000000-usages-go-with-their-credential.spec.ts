import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../../config/config';
import { dataSourceOptions } from '../data-source-options';
import { CREDENTIALS_MIGRATIONS } from '../schema';
import { UsagesGoWithTheirCredential1765100000000 } from './1765100000000-usages-go-with-their-credential';

const PREVIOUS_MIGRATIONS = CREDENTIALS_MIGRATIONS.slice(
  0,
  CREDENTIALS_MIGRATIONS.indexOf(UsagesGoWithTheirCredential1765100000000),
);

/**
 * A database from before the trigger, with a credential in use and an orphan usage (its
 * credential deleted between the two writes the API used to make): the migration removes the
 * orphan, then the database drops a credential's usages with it.
 */
describe('UsagesGoWithTheirCredential1765100000000 (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-usages-migration-'));
  const sqlitePath = join(dir, 'credentials.sqlite');
  let dataSource: DataSource | undefined;

  async function open(migrations: DataSourceOptions['migrations']): Promise<DataSource> {
    dataSource = new DataSource({ ...dataSourceOptions({ sqlitePath } as AppConfig), migrations });
    return dataSource.initialize();
  }
  const insertCredential = (db: DataSource, id: string) =>
    db.query(
      'INSERT INTO vault_credential (id, name, credentialName, encryptedData, workspaceId, ' +
        "createdDate, updatedDate, version) VALUES (?, ?, 'openAIApi', 'v1.x', 'ws-a', " +
        "'2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 1)",
      [id, `Key ${id}`],
    );
  const insertUsage = (db: DataSource, credentialId: string, usageId: string) =>
    db.query(
      'INSERT INTO vault_credential_usage (credentialId, kind, usageId, workspaceId, label, ' +
        "createdDate) VALUES (?, 'chatflow', ?, 'ws-a', NULL, '2026-01-01 00:00:00.000')",
      [credentialId, usageId],
    );
  const usages = (db: DataSource) =>
    db.query<unknown[]>(
      'SELECT credentialId, usageId FROM vault_credential_usage ORDER BY credentialId, usageId',
    );

  before(async () => {
    const old = await open(PREVIOUS_MIGRATIONS);
    await old.runMigrations();
    for (const id of ['used', 'other']) {
      await insertCredential(old, id);
    }
    await insertUsage(old, 'used', 'flow-1');
    await insertUsage(old, 'used', 'flow-2');
    await insertUsage(old, 'other', 'flow-3');
    await insertUsage(old, 'deleted-before', 'flow-4');
    await old.destroy();
  });
  afterEach(async () => {
    if (dataSource?.isInitialized) {
      await dataSource.destroy();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the orphans, then drops a credential's usages with it", async () => {
    const db = await open(CREDENTIALS_MIGRATIONS);
    await db.runMigrations();
    expect(await usages(db)).toEqual([
      { credentialId: 'other', usageId: 'flow-3' },
      { credentialId: 'used', usageId: 'flow-1' },
      { credentialId: 'used', usageId: 'flow-2' },
    ]);
    await db.query("DELETE FROM vault_credential WHERE id = 'used'");
    expect(await usages(db)).toEqual([{ credentialId: 'other', usageId: 'flow-3' }]);
  });

  it('down drops the trigger; deletes leave usages alone again', async () => {
    const db = await open(CREDENTIALS_MIGRATIONS);
    await db.undoLastMigration({ transaction: 'all' });
    expect(
      await db.query(
        "SELECT name FROM sqlite_master WHERE name = 'vault_credential_usages_delete'",
      ),
    ).toEqual([]);
    await db.query("DELETE FROM vault_credential WHERE id = 'other'");
    expect(await usages(db)).toEqual([{ credentialId: 'other', usageId: 'flow-3' }]);
  });
});
