import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The tamper-evident audit trail: its events and the chain's one state row. */
export class CreateAuditTrail1764800000000 implements MigrationInterface {
  name = 'CreateAuditTrail1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = (name: string, length: number, isNullable = true) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });
    await queryRunner.createTable(
      new Table({
        name: 'vault_audit_event',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          { ...text('id', 36, false), isUnique: true },
          text('occurredAt', 24, false),
          text('workspaceId', 255),
          text('action', 100, false),
          text('actorType', 16, false),
          text('actorId', 255),
          text('targetType', 64),
          text('targetId', 255),
          text('targetName', 255),
          text('targetCredentialName', 100),
          text('outcome', 16, false),
          { name: 'details', type: 'text', isNullable: true },
          text('requestId', 128),
          text('sourceAddress', 64),
          text('userAgent', 512),
          text('prevMac', 64, false),
          text('mac', 64, false),
        ],
      }),
    );
    await queryRunner.createIndices('vault_audit_event', [
      new TableIndex({
        name: 'IDX_vault_audit_event_workspace_seq',
        columnNames: ['workspaceId', 'seq'],
      }),
      new TableIndex({ name: 'IDX_vault_audit_event_occurred', columnNames: ['occurredAt'] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'vault_audit_chain',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'keyCiphertext', type: 'text' },
          { name: 'headSeq', type: 'bigint' },
          text('headMac', 64, false),
          text('headSignature', 64, false),
          { name: 'anchorSeq', type: 'bigint' },
          text('anchorMac', 64, false),
          text('anchorSignature', 64, false),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('vault_audit_chain');
    await queryRunner.dropTable('vault_audit_event');
  }
}
