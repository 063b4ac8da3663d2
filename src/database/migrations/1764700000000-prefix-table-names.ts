import { MigrationInterface, QueryRunner } from 'typeorm';
import { LEGACY_TABLE_NAMES } from '../../core/legacy-table-names';

/** PostgreSQL's counter function, naming the counter table it writes (see the counter migration). */
const postgresCounterFunction = (counts: string) => `
CREATE OR REPLACE FUNCTION credential_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE ${counts} SET total = total - 1 WHERE "workspaceId" = OLD."workspaceId";
    DELETE FROM ${counts} WHERE "workspaceId" = OLD."workspaceId" AND total <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO ${counts} ("workspaceId", total) VALUES (NEW."workspaceId", 1)
      ON CONFLICT ("workspaceId") DO UPDATE SET total = ${counts}.total + 1;
  END IF;
  RETURN NULL;
END
$$`;

/**
 * The vault's tables carry the `vault_` prefix, so a host app's own `workspace` or `credential`
 * table never meets ours in a shared database.
 *
 * A plain `ALTER TABLE … RENAME TO`, not TypeORM's `renameTable`: on SQLite that one copies the
 * rows into a new table and drops the old one, and the credential counter's triggers with it.
 * SQLite (3.26+) rewrites the triggers and foreign keys that name a renamed table. PostgreSQL
 * keeps triggers and foreign keys by object id, but the counter's PL/pgSQL function names its
 * table in text, so it is replaced. Every row stays; it all runs in the migration's transaction.
 */
export class PrefixTableNames1764700000000 implements MigrationInterface {
  name = 'PrefixTableNames1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const oldToNew = Object.fromEntries(
      Object.entries(LEGACY_TABLE_NAMES).map(([newName, oldName]) => [oldName, newName]),
    );
    await this.rename(queryRunner, oldToNew, 'vault_credential_count');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.rename(queryRunner, LEGACY_TABLE_NAMES, 'credential_count');
  }

  private async rename(
    queryRunner: QueryRunner,
    names: Record<string, string>,
    counterTable: string,
  ): Promise<void> {
    const { driver } = queryRunner.connection;
    for (const [from, to] of Object.entries(names)) {
      await queryRunner.query(`ALTER TABLE ${driver.escape(from)} RENAME TO ${driver.escape(to)}`);
    }
    if (driver.options.type === 'postgres') {
      await queryRunner.query(postgresCounterFunction(counterTable));
    }
  }
}
