import { Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { Driver, EntityManager, Repository } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import {
  AUDITED_WRITE_CHANGE_COLUMNS,
  AUDITED_WRITE_REFUSALS,
  refusedWith,
} from '../core/audited-write';
import { CredentialEntity } from './credential.entity';

type Property = keyof CredentialEntity;

const INSERTED: Property[] = [
  'id',
  'workspaceId',
  'name',
  'credentialName',
  'encryptedData',
  'createdDate',
  'updatedDate',
  'version',
];
const REPLACED: Property[] = ['name', 'encryptedData', 'updatedDate', 'version'];

type ChangeColumn = (typeof AUDITED_WRITE_CHANGE_COLUMNS)[number];
/** One audited change for the one-statement path: its change columns (unset: null). */
type Change = Partial<Record<ChangeColumn, unknown>> & { op: 'insert' | 'replace' | 'remove' };

/**
 * The write paths (create, merge, delete with a version) as statements built once from the entity
 * metadata with the driver's quoting and placeholders, so they stay portable.
 *
 * Why not `insert()`/`update()`: per request TypeORM builds a query builder, re-derives the SQL,
 * walks the entity's metadata for change detection and, for an insert, re-reads generated values;
 * our rows are complete (dates and version set by the service), so none of that is needed.
 * Values still go through the driver's `preparePersistentValue`, as TypeORM's own writes do.
 * Each write commits with its audit event, all or nothing (fail closed: no event, no write), as
 * one statement with it (see `core/audited-write.ts`) or in one transaction.
 */
@Injectable()
export class CredentialWritesRepository {
  private readonly driver: Driver;
  private readonly columnOf: (property: Property) => ColumnMetadata;
  private readonly sql: { insert: string; replace: string; remove: string; removeAny: string };

  constructor(
    @InjectVaultRepository(CredentialEntity) credentials: Repository<CredentialEntity>,
    private readonly audit: AuditRecorder,
  ) {
    const { metadata } = credentials;
    const driver = credentials.manager.connection.driver;
    this.driver = driver;
    this.columnOf = (property) => metadata.findColumnWithPropertyName(property)!;
    const name = (property: Property): string =>
      driver.escape(this.columnOf(property).databaseName);
    let index = 0;
    const next = (): string => driver.createParameter(`p${index}`, index++);
    const table = driver.escape(metadata.tableName);
    const insert =
      `INSERT INTO ${table} (${INSERTED.map(name).join(', ')})` +
      ` VALUES (${INSERTED.map(next).join(', ')})`;
    index = 0;
    const replace =
      `UPDATE ${table} SET ${REPLACED.map((p) => `${name(p)} = ${next()}`).join(', ')}` +
      ` WHERE ${name('id')} = ${next()} AND ${name('workspaceId')} = ${next()}` +
      ` AND ${name('version')} = ${next()}`;
    index = 0;
    const remove =
      `DELETE FROM ${table} WHERE ${name('id')} = ${next()}` +
      ` AND ${name('workspaceId')} = ${next()} AND ${name('version')} = ${next()}`;
    index = 0;
    const removeAny = `DELETE FROM ${table} WHERE ${name('id')} = ${next()} AND ${name('workspaceId')} = ${next()}`;
    this.sql = { insert, replace, remove, removeAny };
  }

  /** Stores a new row; a duplicate id fails with the driver's unique violation. */
  async insert(row: CredentialEntity, event: AuditEventInput): Promise<void> {
    const values = this.values(row, INSERTED);
    const change = { op: 'insert' as const, ...Object.fromEntries(zip(INSERTED, values)) };
    await this.execute(this.sql.insert, values, event, change);
  }

  /**
   * Compare-and-swap: writes `row`'s name, data, date and version only if the stored row still
   * has `expectedVersion`. False when another writer got there first (or the row is gone).
   */
  async replaceIfVersion(
    row: CredentialEntity,
    expectedVersion: number,
    event: AuditEventInput,
  ): Promise<boolean> {
    const values = this.values(row, REPLACED);
    const parameters = [...values, row.id, row.workspaceId, expectedVersion];
    const change: Change = {
      op: 'replace',
      ...Object.fromEntries(zip(REPLACED, values)),
      id: row.id,
      workspaceId: row.workspaceId,
      expectedVersion,
    };
    return (await this.execute(this.sql.replace, parameters, event, change)) === 1;
  }

  /** Deletes the row only at `expectedVersion`; false when it changed or is gone. */
  async removeIfVersion(
    workspaceId: string,
    id: string,
    expectedVersion: number,
    event: AuditEventInput,
  ): Promise<boolean> {
    const change: Change = { op: 'remove', id, workspaceId, expectedVersion };
    const parameters = [id, workspaceId, expectedVersion];
    return (await this.execute(this.sql.remove, parameters, event, change)) === 1;
  }

  /** Deletes the row whatever its version; false when it is gone. */
  async remove(workspaceId: string, id: string, event: AuditEventInput): Promise<boolean> {
    const change: Change = { op: 'remove', id, workspaceId, expectedVersion: null };
    return (await this.execute(this.sql.removeAny, [id, workspaceId], event, change)) === 1;
  }

  private values(row: CredentialEntity, properties: Property[]): unknown[] {
    return properties.map(
      (p): unknown => this.driver.preparePersistentValue(row[p], this.columnOf(p)) as unknown,
    );
  }

  /**
   * Rows affected; the event is appended, all or nothing with the change, only when a row was:
   * in one statement where the recorder can (see `core/audited-write.ts`), else a transaction.
   */
  private async execute(
    sql: string,
    parameters: unknown[],
    event: AuditEventInput,
    change: Change,
  ): Promise<number> {
    if (this.audit.appendWithChange) {
      const changeValues = AUDITED_WRITE_CHANGE_COLUMNS.map((column) => change[column] ?? null);
      try {
        if (await this.audit.appendWithChange(event, changeValues)) {
          return 1;
        }
      } catch (error) {
        if (refusedWith(error, AUDITED_WRITE_REFUSALS.unchanged)) {
          return 0;
        }
        throw error;
      }
    }
    return this.audit.transaction(
      async (manager: EntityManager) => {
        const result = await manager.queryRunner!.query(sql, parameters, true);
        return result.affected ?? 0;
      },
      (affected) => (affected === 1 ? event : undefined),
    );
  }
}

function zip<K, V>(keys: readonly K[], values: readonly V[]): [K, V][] {
  return keys.map((key, i) => [key, values[i]]);
}
