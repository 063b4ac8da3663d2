import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Per-workspace data keys, wrapped by a master key (key custody). */
export class CreateWorkspaceDataKeys1764288000000 implements MigrationInterface {
  name = 'CreateWorkspaceDataKeys1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    await queryRunner.createTable(
      new Table({
        name: 'workspace_data_key',
        columns: [
          { name: 'workspaceId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'version', type: 'integer', isPrimary: true },
          { name: 'masterKeyId', type: 'varchar', length: '100' },
          { name: 'wrappedKey', type: 'text' },
          { name: 'createdAt', type: dateType },
        ],
      }),
    );
    await queryRunner.createIndex(
      'workspace_data_key',
      new TableIndex({ name: 'IDX_workspace_data_key_master', columnNames: ['masterKeyId'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('workspace_data_key');
  }
}
