import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const SQLITE_DRIVERS = ['sqlite', 'better-sqlite3'];

/** Where each credential is used (for safe deletes), and when it was last revealed. */
export class CreateCredentialUsages1764660000000 implements MigrationInterface {
  name = 'CreateCredentialUsages1764660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    if (SQLITE_DRIVERS.includes(queryRunner.connection.driver.options.type)) {
      // TypeORM's SQLite addColumn rebuilds the table, which drops the counter's triggers;
      // SQLite adds a nullable column in place.
      await queryRunner.query(`ALTER TABLE "credential" ADD COLUMN "lastUsedAt" ${dateType} NULL`);
    } else {
      await queryRunner.addColumn(
        'credential',
        new TableColumn({ name: 'lastUsedAt', type: dateType, isNullable: true }),
      );
    }
    await queryRunner.createTable(
      new Table({
        name: 'vault_credential_usage',
        columns: [
          { name: 'credentialId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '64', isPrimary: true },
          { name: 'usageId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'workspaceId', type: 'varchar', length: '255' },
          { name: 'label', type: 'varchar', length: '255', isNullable: true },
          { name: 'createdDate', type: dateType },
        ],
      }),
    );
    await queryRunner.createIndex(
      'vault_credential_usage',
      new TableIndex({
        name: 'IDX_vault_credential_usage_workspace',
        columnNames: ['workspaceId'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_credential_usage');
    if (SQLITE_DRIVERS.includes(queryRunner.connection.driver.options.type)) {
      await queryRunner.query('ALTER TABLE "credential" DROP COLUMN "lastUsedAt"');
    } else {
      await queryRunner.dropColumn('credential', 'lastUsedAt');
    }
  }
}
