import { MigrationInterface, QueryRunner, Table } from 'typeorm';

const SQLITE_DRIVERS = ['sqlite', 'better-sqlite3'];

/** One more credential in the workspace of the trigger's row (NEW or OLD). */
const countIn = (row: 'NEW' | 'OLD') =>
  `INSERT INTO credential_count (workspaceId, total) VALUES (${row}.workspaceId, 1)` +
  ' ON CONFLICT(workspaceId) DO UPDATE SET total = total + 1;';
/**
 * One fewer. A workspace without credentials keeps no row (a missing row reads as 0): a deleted
 * workspace leaves no trace of its id, and the table never outgrows the workspaces in use.
 */
const uncountFrom = (row: 'NEW' | 'OLD') =>
  `UPDATE credential_count SET total = total - 1 WHERE workspaceId = ${row}.workspaceId;` +
  ` DELETE FROM credential_count WHERE workspaceId = ${row}.workspaceId AND total = 0;`;

const TRIGGERS = {
  credential_count_insert: `AFTER INSERT ON credential BEGIN ${countIn('NEW')} END`,
  credential_count_delete: `AFTER DELETE ON credential BEGIN ${uncountFrom('OLD')} END`,
  // `UPDATE OF` fires whenever the column is assigned, even unchanged (an import's overwrite
  // does): WHEN skips that no-op.
  credential_count_move:
    'AFTER UPDATE OF workspaceId ON credential WHEN OLD.workspaceId IS NOT NEW.workspaceId ' +
    `BEGIN ${uncountFrom('OLD')} ${countIn('NEW')} END`,
};

/**
 * PostgreSQL's triggers: one row-level function for the three events, same semantics as SQLite's
 * (the row goes at 0; a move counts out of the old workspace and into the new one).
 */
const POSTGRES_FUNCTION = `
CREATE FUNCTION credential_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE credential_count SET total = total - 1 WHERE "workspaceId" = OLD."workspaceId";
    DELETE FROM credential_count WHERE "workspaceId" = OLD."workspaceId" AND total <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO credential_count ("workspaceId", total) VALUES (NEW."workspaceId", 1)
      ON CONFLICT ("workspaceId") DO UPDATE SET total = credential_count.total + 1;
  END IF;
  RETURN NULL;
END
$$`;
const POSTGRES_TRIGGERS = {
  credential_count_insert: 'AFTER INSERT ON credential FOR EACH ROW',
  credential_count_delete: 'AFTER DELETE ON credential FOR EACH ROW',
  credential_count_move:
    'AFTER UPDATE OF "workspaceId" ON credential' +
    ' FOR EACH ROW WHEN (OLD."workspaceId" IS DISTINCT FROM NEW."workspaceId")',
};

/**
 * The credentials per workspace, kept by the database itself, so the list page's
 * `X-Total-Count` is one primary-key read instead of a COUNT over the workspace's index entries.
 * The triggers run inside the writing statement's transaction, so every write path (the API, an
 * import, deleting a workspace, SQL from the benchmark's seeder or by hand) keeps the count exact.
 * Not covered: `INSERT OR REPLACE` over an existing id, whose implicit delete fires no trigger
 * unless `recursive_triggers` is on; nothing here writes that way.
 */
export class CreateCredentialCounts1764460800000 implements MigrationInterface {
  name = 'CreateCredentialCounts1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.options.type;
    const postgres = type === 'postgres';
    if (!SQLITE_DRIVERS.includes(type) && !postgres) {
      throw new Error(
        `The credential_count triggers exist for SQLite and PostgreSQL only, not ${type}`,
      );
    }
    await queryRunner.createTable(
      new Table({
        name: 'credential_count',
        columns: [
          { name: 'workspaceId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'total', type: 'integer' },
        ],
      }),
    );
    if (postgres) {
      await createPostgresTriggers(queryRunner);
      return;
    }
    // Inside the migration's transaction (TypeORM's default) SQLite holds the write lock from
    // createTable on: no write can fall between the backfill and the triggers.
    await queryRunner.query(
      'INSERT INTO credential_count (workspaceId, total)' +
        ' SELECT workspaceId, COUNT(*) FROM credential GROUP BY workspaceId',
    );
    for (const [name, definition] of Object.entries(TRIGGERS)) {
      await queryRunner.query(`CREATE TRIGGER ${name} ${definition}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    for (const name of Object.keys(TRIGGERS)) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${name}${postgres ? ' ON credential' : ''}`);
    }
    if (postgres) {
      await queryRunner.query('DROP FUNCTION IF EXISTS credential_count_keep()');
    }
    await queryRunner.dropTable('credential_count');
  }
}

/**
 * The table is locked against writes first (the migration's transaction holds it to the end), so
 * no write falls between the backfill and the triggers.
 */
async function createPostgresTriggers(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query('LOCK TABLE credential IN SHARE ROW EXCLUSIVE MODE');
  await queryRunner.query(
    'INSERT INTO credential_count ("workspaceId", total)' +
      ' SELECT "workspaceId", COUNT(*) FROM credential GROUP BY "workspaceId"',
  );
  await queryRunner.query(POSTGRES_FUNCTION);
  for (const [name, event] of Object.entries(POSTGRES_TRIGGERS)) {
    await queryRunner.query(
      `CREATE TRIGGER ${name} ${event} EXECUTE FUNCTION credential_count_keep()`,
    );
  }
}
