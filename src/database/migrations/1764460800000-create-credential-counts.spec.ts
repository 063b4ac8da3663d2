import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { DataSource, DataSourceOptions, QueryRunner } from 'typeorm';
import { AppConfig } from '../../config/config';
import { dataSourceOptions } from '../data-source-options';
import { CREDENTIALS_MIGRATIONS } from '../schema';
import { CreateCredentialCounts1764460800000 } from './1764460800000-create-credential-counts';

/** The history up to the counter (later ones, such as the `vault_` prefix, rename its tables). */
const PREVIOUS_MIGRATIONS = CREDENTIALS_MIGRATIONS.slice(
  0,
  CREDENTIALS_MIGRATIONS.indexOf(CreateCredentialCounts1764460800000),
);
const UP_TO_COUNTER = [...PREVIOUS_MIGRATIONS, CreateCredentialCounts1764460800000];

/**
 * A database from before the counter, with credentials in it: the migration must count them,
 * and its triggers must then follow every kind of write made in plain SQL.
 */
describe('CreateCredentialCounts1764460800000', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-count-migration-'));
  const sqlitePath = join(dir, 'credentials.sqlite');
  let dataSource: DataSource | undefined;

  async function open(migrations: DataSourceOptions['migrations']): Promise<DataSource> {
    dataSource = new DataSource({
      ...dataSourceOptions({ sqlitePath } as AppConfig),
      migrations,
    });
    return dataSource.initialize();
  }

  const insert = (db: DataSource, workspaceId: string, id: string) =>
    db.query(
      'INSERT INTO credential (id, name, credentialName, encryptedData, workspaceId, ' +
        "createdDate, updatedDate, version) VALUES (?, ?, 'openAIApi', 'v1.x', ?, " +
        "'2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 1)",
      [id, `Key ${id}`, workspaceId],
    );

  /** The counters equal COUNT(*) per workspace, and no workspace without rows keeps one. */
  async function expectExact(db: DataSource): Promise<void> {
    const counted = await db.query<unknown[]>(
      'SELECT workspaceId, COUNT(*) AS total FROM credential GROUP BY workspaceId ORDER BY 1',
    );
    const kept = await db.query<unknown[]>(
      'SELECT workspaceId, total FROM credential_count ORDER BY 1',
    );
    expect(kept).toEqual(counted);
  }

  before(async () => {
    const old = await open(PREVIOUS_MIGRATIONS);
    await old.runMigrations();
    const plan = { 'ws-a': 3, 'ws-b': 5, 'ws-c': 1 };
    for (const [workspaceId, rows] of Object.entries(plan)) {
      for (let i = 0; i < rows; i++) {
        await insert(old, workspaceId, `${workspaceId}-${i}`);
      }
    }
    await old.destroy();
  });
  afterEach(async () => {
    if (dataSource?.isInitialized) {
      await dataSource.destroy();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the rows already there, then follows inserts, deletes and moves', async () => {
    const db = await open(UP_TO_COUNTER);
    const ran = await db.runMigrations({ transaction: 'all' });
    expect(ran.map((migration) => migration.name)).toEqual(['CreateCredentialCounts1764460800000']);
    await expectExact(db);
    expect(
      await db.query('SELECT total FROM credential_count WHERE workspaceId = ?', ['ws-b']),
    ).toEqual([{ total: 5 }]);

    await insert(db, 'ws-a', 'ws-a-new');
    await insert(db, 'ws-d', 'ws-d-0');
    await expectExact(db);
    // One statement inserting several rows fires the trigger per row.
    const columns = 'name, credentialName, encryptedData, workspaceId, createdDate, updatedDate';
    await db.query(
      `INSERT INTO credential (id, ${columns}) SELECT id || '-copy', ${columns} ` +
        "FROM credential WHERE workspaceId = 'ws-b'",
    );
    await expectExact(db);
    await db.query("DELETE FROM credential WHERE id = 'ws-a-0'");
    await expectExact(db);
    // Assigning the same workspace (an import's overwrite does) is not a move.
    await db.query("UPDATE credential SET workspaceId = workspaceId, name = 'renamed'");
    await expectExact(db);
    await db.query("UPDATE credential SET workspaceId = 'ws-e' WHERE id IN ('ws-b-0', 'ws-c-0')");
    await expectExact(db);
    expect(
      await db.query("SELECT workspaceId FROM credential_count WHERE workspaceId = 'ws-c'"),
    ).toEqual([]);
    // SQLite skips its truncate shortcut on a table with triggers: every row is uncounted.
    await db.query('DELETE FROM credential');
    expect(await db.query('SELECT * FROM credential_count')).toEqual([]);
  });

  it('down drops the triggers and the table; writes still work', async () => {
    const db = await open(UP_TO_COUNTER);
    await db.undoLastMigration({ transaction: 'all' });
    expect(
      await db.query(
        "SELECT type, name FROM sqlite_master WHERE name LIKE 'credential_count%' ORDER BY name",
      ),
    ).toEqual([]);
    await insert(db, 'ws-a', 'after-down');
    expect(await db.query("SELECT id FROM credential WHERE id = 'after-down'")).toHaveLength(1);
  });

  it('refuses other databases before changing anything', async () => {
    const calls: string[] = [];
    const record = (name: string) => () => {
      calls.push(name);
      return Promise.resolve();
    };
    const queryRunner = {
      connection: { driver: { options: { type: 'mysql' } } },
      createTable: record('createTable'),
      query: record('query'),
    } as unknown as QueryRunner;
    await expect(new CreateCredentialCounts1764460800000().up(queryRunner)).rejects.toThrow(
      'The credential_count triggers exist for SQLite and PostgreSQL only, not mysql',
    );
    expect(calls).toEqual([]);
  });
});
