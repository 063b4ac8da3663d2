import { Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { In, Like, MoreThan, Repository } from 'typeorm';
import { runAgainOnConflict } from '../common/database-errors';
import { existingTableName } from '../common/existing-table';
import {
  CiphertextReplacement,
  CredentialCiphertexts,
  StoredCiphertext,
} from '../core/credential-ciphertexts';
import { CredentialEntity } from './credential.entity';

const CIPHERTEXT_COLUMNS: (keyof StoredCiphertext)[] = [
  'id',
  'workspaceId',
  'encryptedData',
  'version',
];

/** The credential table as key custody may see and change it: envelopes only. */
@Injectable()
export class CredentialCiphertextsRepository implements CredentialCiphertexts {
  constructor(
    @InjectVaultRepository(CredentialEntity)
    private readonly credentials: Repository<CredentialEntity>,
  ) {}

  async scan(
    options: { workspaceId?: string; batchSize: number },
    visit: (batch: StoredCiphertext[]) => Promise<void>,
  ): Promise<void> {
    let after = '';
    for (;;) {
      const batch = await this.credentials.find({
        select: CIPHERTEXT_COLUMNS,
        where: {
          id: MoreThan(after),
          ...(options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId }),
        },
        order: { id: 'ASC' },
        take: options.batchSize,
      });
      if (batch.length === 0) {
        return;
      }
      await visit(batch);
      after = batch[batch.length - 1].id;
    }
  }

  count(workspaceId?: string): Promise<number> {
    return this.credentials.countBy(workspaceId === undefined ? {} : { workspaceId });
  }

  async workspaceIds(): Promise<string[]> {
    const rows = await this.credentials
      .createQueryBuilder('credential')
      .select('DISTINCT credential.workspaceId', 'workspaceId')
      .getRawMany<{ workspaceId: string }>();
    return rows.map((row) => row.workspaceId);
  }

  reload(ids: readonly string[]): Promise<StoredCiphertext[]> {
    return this.credentials.find({ select: CIPHERTEXT_COLUMNS, where: { id: In([...ids]) } });
  }

  async rewrite(replacements: readonly CiphertextReplacement[]): Promise<StoredCiphertext[]> {
    if (replacements.length === 0) {
      return [];
    }
    // A batch rolled back for a conflict runs again: SQLite busy (servers held the write lock too
    // long), or a PostgreSQL deadlock with a writer that locked the same credentials in another order.
    return runAgainOnConflict(() => this.rewriteBatch(replacements));
  }

  private async rewriteBatch(
    replacements: readonly CiphertextReplacement[],
  ): Promise<StoredCiphertext[]> {
    const lost: StoredCiphertext[] = [];
    await this.credentials.manager.transaction(async (manager) => {
      const quote = (name: string): string => manager.connection.driver.escape(name);
      const updatedDate = quote('updatedDate');
      // Quoted: PostgreSQL folds unquoted names to lower case.
      const unchanged = `id = :id AND version = :version AND ${quote('encryptedData')} = :old`;
      for (const { row, encryptedData } of replacements) {
        const result = await manager
          .createQueryBuilder()
          .update(CredentialEntity)
          // The secret did not change, so neither does updatedDate (TypeORM would set it).
          .set({ encryptedData, updatedDate: () => updatedDate })
          .where(unchanged, {
            id: row.id,
            version: row.version,
            old: row.encryptedData,
          })
          .updateEntity(false)
          .execute();
        if (result.affected !== 1) {
          lost.push(row);
        }
      }
    });
    return lost;
  }

  countWithPrefix(prefix: string): Promise<number> {
    return this.credentials.countBy({ encryptedData: Like(`${prefix}%`) });
  }

  async legacyEnvelopeHeads(): Promise<string[]> {
    const { connection } = this.credentials.manager;
    const runner = connection.createQueryRunner();
    let table: string | undefined;
    try {
      // Read before migrations run: a database not yet migrated has the table's old name.
      table = await existingTableName(runner, this.credentials.metadata.tableName);
    } finally {
      await runner.release();
    }
    if (table === undefined) {
      return [];
    }
    const { driver } = connection;
    const data = driver.escape('encryptedData');
    const rows: { head: string }[] = await this.credentials.query(
      `SELECT DISTINCT SUBSTR(${data}, 1, 20) AS ${driver.escape('head')}` +
        ` FROM ${driver.escape(table)} WHERE ${data} LIKE ${driver.createParameter('prefix', 0)}`,
      ['v1.%'],
    );
    return rows.map((row) => row.head);
  }
}
