import { MigrationInterface, QueryRunner } from 'typeorm';

const SQLITE_DRIVERS = ['sqlite', 'better-sqlite3'];
const TRIGGER = 'vault_credential_usages_delete';
const POSTGRES_FUNCTION = 'vault_credential_usages_drop';

/**
 * A deleted credential's usages go in the statement that deletes it: a trigger, so every way a
 * credential is deleted (the API, a force delete, a deleted workspace, an audited one-statement
 * write) drops them all or nothing with it. Before, the API deleted them in a second write
 * after the credential's, which a crash between the two left behind, and which cost every
 * delete a second statement (and on SQLite a second commit). Existing orphans, rows whose
 * credential is gone, are removed here too.
 */
export class UsagesGoWithTheirCredential1765100000000 implements MigrationInterface {
  name = 'UsagesGoWithTheirCredential1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.options.type;
    const postgres = type === 'postgres';
    if (!SQLITE_DRIVERS.includes(type) && !postgres) {
      throw new Error(`The ${TRIGGER} trigger exists for SQLite and PostgreSQL only, not ${type}`);
    }
    await queryRunner.query(
      'DELETE FROM vault_credential_usage WHERE NOT EXISTS' +
        ' (SELECT 1 FROM vault_credential WHERE vault_credential.id = vault_credential_usage."credentialId")',
    );
    if (postgres) {
      await queryRunner.query(
        `CREATE FUNCTION ${POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM vault_credential_usage WHERE "credentialId" = OLD.id;
  RETURN NULL;
END
$$`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${TRIGGER} AFTER DELETE ON vault_credential` +
          ` FOR EACH ROW EXECUTE FUNCTION ${POSTGRES_FUNCTION}()`,
      );
      return;
    }
    await queryRunner.query(
      `CREATE TRIGGER ${TRIGGER} AFTER DELETE ON vault_credential BEGIN` +
        ' DELETE FROM vault_credential_usage WHERE credentialId = OLD.id; END',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS ${TRIGGER}${postgres ? ' ON vault_credential' : ''}`,
    );
    if (postgres) {
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${POSTGRES_FUNCTION}()`);
    }
  }
}
