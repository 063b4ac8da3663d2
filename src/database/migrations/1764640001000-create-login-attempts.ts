import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Login attempts counted in the database, so every replica spends the same budget. */
export class CreateLoginAttempts1764640001000 implements MigrationInterface {
  name = 'CreateLoginAttempts1764640001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'vault_login_attempt',
        columns: [
          { name: 'key', type: 'varchar', length: '320', isPrimary: true },
          { name: 'count', type: 'integer' },
          { name: 'resetAt', type: 'bigint' },
        ],
        indices: [{ name: 'IDX_vault_login_attempt_reset', columnNames: ['resetAt'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_login_attempt');
  }
}
