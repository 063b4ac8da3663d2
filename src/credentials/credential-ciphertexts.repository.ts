import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Like, MoreThan, Repository } from 'typeorm';
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
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
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
    const lost: StoredCiphertext[] = [];
    await this.credentials.manager.transaction(async (manager) => {
      const updatedDate = manager.connection.driver.escape('updatedDate');
      for (const { row, encryptedData } of replacements) {
        const result = await manager
          .createQueryBuilder()
          .update(CredentialEntity)
          // The secret did not change, so neither does updatedDate (TypeORM would set it).
          .set({ encryptedData, updatedDate: () => updatedDate })
          .where('id = :id AND version = :version AND encryptedData = :old', {
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
    const runner = this.credentials.manager.connection.createQueryRunner();
    try {
      if (!(await runner.hasTable(this.credentials.metadata.tableName))) {
        return [];
      }
    } finally {
      await runner.release();
    }
    const rows = await this.credentials
      .createQueryBuilder('credential')
      .select('DISTINCT SUBSTR(credential.encryptedData, 1, 20)', 'head')
      .where('credential.encryptedData LIKE :prefix', { prefix: 'v1.%' })
      .getRawMany<{ head: string }>();
    return rows.map((row) => row.head);
  }
}
