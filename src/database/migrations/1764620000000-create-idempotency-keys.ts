import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** First answers to requests sent with an `Idempotency-Key`, kept for replays until they expire. */
export class CreateIdempotencyKeys1764620000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    await queryRunner.createTable(
      new Table({
        name: 'vault_idempotency_key',
        columns: [
          { name: 'workspaceId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'idempotencyKey', type: 'varchar', length: '255', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'claimId', type: 'varchar', length: '36' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'responseStatus', type: 'integer', isNullable: true },
          { name: 'responseBody', type: 'text', isNullable: true },
          { name: 'responseHeaders', type: 'text', isNullable: true },
          { name: 'createdAt', type: dateType },
          { name: 'expiresAt', type: dateType },
        ],
      }),
    );
    await queryRunner.createIndex(
      'vault_idempotency_key',
      new TableIndex({ name: 'IDX_vault_idempotency_key_expires', columnNames: ['expiresAt'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_idempotency_key');
  }
}
