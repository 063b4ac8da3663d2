import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The credential and vault_meta tables, written with TypeORM's schema API so any driver runs it. */
export class CreateCredentials1764201600000 implements MigrationInterface {
  name = 'CreateCredentials1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    await queryRunner.createTable(
      new Table({
        name: 'credential',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'credentialName', type: 'varchar', length: '100' },
          { name: 'encryptedData', type: 'text' },
          { name: 'workspaceId', type: 'varchar', length: '255' },
          { name: 'createdDate', type: dateType },
          { name: 'updatedDate', type: dateType },
          { name: 'version', type: 'integer', default: 1 },
        ],
      }),
    );
    await queryRunner.createIndex(
      'credential',
      new TableIndex({
        name: 'IDX_credential_workspace_created',
        columnNames: ['workspaceId', 'createdDate', 'id'],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'vault_meta',
        columns: [
          { name: 'key', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_meta');
    await queryRunner.dropTable('credential');
  }
}
