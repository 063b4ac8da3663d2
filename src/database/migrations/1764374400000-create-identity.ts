import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Users, workspaces, memberships, refresh tokens and API keys. */
export class CreateIdentity1764374400000 implements MigrationInterface {
  name = 'CreateIdentity1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dateType = queryRunner.connection.driver.mappedDataTypes.createDate as string;
    const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
    const ref = (name: string) => ({ name, type: 'varchar', length: '36' });
    const date = (name: string, isNullable = false) => ({ name, type: dateType, isNullable });

    await queryRunner.createTable(
      new Table({
        name: 'vault_user',
        columns: [
          id,
          { name: 'email', type: 'varchar', length: '320', isUnique: true },
          { name: 'passwordHash', type: 'varchar', length: '255' },
          { name: 'isInstanceAdmin', type: 'boolean', default: false },
          date('createdAt'),
          date('updatedAt'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'workspace',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '255' },
          date('createdAt'),
          date('updatedAt'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'workspace_member',
        columns: [
          { ...ref('workspaceId'), isPrimary: true },
          { ...ref('userId'), isPrimary: true },
          { name: 'role', type: 'varchar', length: '20' },
          date('createdAt'),
        ],
        foreignKeys: [
          {
            columnNames: ['workspaceId'],
            referencedTableName: 'workspace',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['userId'],
            referencedTableName: 'vault_user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createIndex(
      'workspace_member',
      new TableIndex({ name: 'IDX_workspace_member_user', columnNames: ['userId'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_token',
        columns: [
          id,
          ref('familyId'),
          ref('userId'),
          ref('workspaceId'),
          { name: 'tokenHash', type: 'varchar', length: '64', isUnique: true },
          date('expiresAt'),
          date('rotatedAt', true),
          date('revokedAt', true),
          date('createdAt'),
        ],
      }),
    );
    await queryRunner.createIndex(
      'refresh_token',
      new TableIndex({ name: 'IDX_refresh_token_family', columnNames: ['familyId'] }),
    );
    await queryRunner.createIndex(
      'refresh_token',
      new TableIndex({ name: 'IDX_refresh_token_user', columnNames: ['userId'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_key',
        columns: [
          id,
          ref('workspaceId'),
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'prefix', type: 'varchar', length: '32' },
          { name: 'keyHash', type: 'varchar', length: '64', isUnique: true },
          { name: 'permissions', type: 'text' },
          { name: 'createdBy', type: 'varchar', length: '255', isNullable: true },
          date('createdAt'),
          date('lastUsedAt', true),
          date('expiresAt', true),
        ],
      }),
    );
    await queryRunner.createIndex(
      'api_key',
      new TableIndex({ name: 'IDX_api_key_workspace', columnNames: ['workspaceId'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_key');
    await queryRunner.dropTable('refresh_token');
    await queryRunner.dropTable('workspace_member');
    await queryRunner.dropTable('workspace');
    await queryRunner.dropTable('vault_user');
  }
}
