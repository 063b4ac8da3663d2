import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The replicas' invalidation log: revocations and key changes, kept for the token lifetime. */
export class CreateInvalidationLog1764640000000 implements MigrationInterface {
  name = 'CreateInvalidationLog1764640000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    await queryRunner.createTable(
      new Table({
        name: 'vault_invalidation',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'event', type: 'text' },
          { name: 'origin', type: 'varchar', length: '36' },
          { name: 'createdAt', type: dateType },
        ],
        indices: [{ name: 'IDX_vault_invalidation_created', columnNames: ['createdAt'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_invalidation');
  }
}
