import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Deleted workspaces, so that tokens naming one are refused and it never gets a data key again. */
export class CreateWorkspaceTombstones1764547200000 implements MigrationInterface {
  name = 'CreateWorkspaceTombstones1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    await queryRunner.createTable(
      new Table({
        name: 'workspace_tombstone',
        columns: [
          { name: 'workspaceId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'deletedAt', type: dateType },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('workspace_tombstone');
  }
}
