import { expect } from 'expect';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { postgresOptions } from '../postgres-options';
import { CREDENTIALS_MIGRATIONS } from '../schema';
import { CreateCredentialCounts1764460800000 } from './1764460800000-create-credential-counts';

/** The history up to the counter (later ones, such as the `vault_` prefix, rename its tables). */
const BEFORE_COUNTER = CREDENTIALS_MIGRATIONS.slice(
  0,
  CREDENTIALS_MIGRATIONS.indexOf(CreateCredentialCounts1764460800000),
);

const adminUrl = process.env.TEST_DATABASE_URL;
const skip = adminUrl ? false : 'needs PostgreSQL: set TEST_DATABASE_URL';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The PL/pgSQL branch of the counter: the same semantics as SQLite's triggers. */
describe('CreateCredentialCounts1764460800000 on PostgreSQL', { skip }, () => {
  const name = `${process.env.TEST_DATABASE_PREFIX ?? 'vault_test_'}${randomBytes(6).toString('hex')}`;
  let db: DataSource | undefined;
  after(async () => {
    await db?.destroy();
    if (adminUrl) {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  const insert = (workspaceId: string, id: string) =>
    db!.query(
      'INSERT INTO credential (id, name, "credentialName", "encryptedData", "workspaceId", ' +
        '"createdDate", "updatedDate", version) ' +
        "VALUES ($1, $2, 'openAIApi', 'v1.x', $3, now(), now(), 1)",
      [id, `Key ${id}`, workspaceId],
    );

  async function expectExact(): Promise<void> {
    const counted = await db!.query<unknown[]>(
      'SELECT "workspaceId", COUNT(*)::int AS total FROM credential GROUP BY 1 ORDER BY 1',
    );
    const kept = await db!.query<unknown[]>(
      'SELECT "workspaceId", total FROM credential_count ORDER BY 1',
    );
    expect(kept).toEqual(counted);
  }

  it('counts existing rows, then follows inserts, deletes and moves; no row at 0', async () => {
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    db = await new DataSource({
      ...postgresOptions({ url: url.toString(), poolSize: 2 }),
      migrations: BEFORE_COUNTER,
    }).initialize();
    await db.runMigrations();
    for (const [workspaceId, rows] of Object.entries({ 'ws-a': 3, 'ws-b': 5, 'ws-c': 1 })) {
      for (let i = 0; i < rows; i++) {
        await insert(workspaceId, `${workspaceId}-${i}`);
      }
    }
    await db.destroy();
    db = await new DataSource({
      ...postgresOptions({ url: url.toString(), poolSize: 2 }),
      migrations: [...BEFORE_COUNTER, CreateCredentialCounts1764460800000],
    }).initialize();
    expect(await db.runMigrations({ transaction: 'all' })).toHaveLength(1);
    await expectExact();

    await insert('ws-d', 'ws-d-0');
    await expectExact();
    await db.query(
      `INSERT INTO credential SELECT id || '-copy', name, "credentialName", "encryptedData", ` +
        `"workspaceId", "createdDate", "updatedDate", version FROM credential WHERE "workspaceId" = 'ws-b'`,
    );
    await expectExact();
    await db.query("DELETE FROM credential WHERE id = 'ws-a-0'");
    await expectExact();
    await db.query('UPDATE credential SET "workspaceId" = "workspaceId", name = \'renamed\'');
    await expectExact();
    await db.query(
      "UPDATE credential SET \"workspaceId\" = 'ws-e' WHERE id IN ('ws-b-0', 'ws-c-0')",
    );
    await expectExact();
    expect(
      await db.query('SELECT total FROM credential_count WHERE "workspaceId" = \'ws-c\''),
    ).toEqual([]);
    await db.query('DELETE FROM credential');
    expect(await db.query('SELECT * FROM credential_count')).toEqual([]);

    await db.undoLastMigration({ transaction: 'all' }); // the counter, applied last here
    await insert('ws-a', 'after-down');
    expect(await db.query("SELECT to_regclass('credential_count') AS t")).toEqual([{ t: null }]);
  });
});
