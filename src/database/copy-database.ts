import { createHash } from 'node:crypto';
import { DataSource, EntityMetadata, QueryRunner, Repository } from 'typeorm';

/** Rows that only matter to the running replicas, not to the vault they move: left behind. */
const TRANSIENT_TABLES = new Set(['vault_invalidation', 'vault_login_attempt']);
/** vault_meta's row that names the vault a copy comes from, so that a second run resumes it. */
const COPY_MARKER = 'db_copy_source';
/** The key canary's row in vault_meta (keys/key-canary.ts): random to each vault. */
const CANARY_KEY = 'encryption-canary';
const PAGE_SIZE = 500;

export interface TableCopy {
  readonly table: string;
  readonly source: number;
  readonly target: number;
}

export class CopyRefusedError extends Error {}

/**
 * Copies every row of the vault's tables from one database to another as they are (ciphertext
 * included: no key is used), in the order their foreign keys need, page by page in primary-key
 * order. The target's schema comes from its own migrations; its counter triggers count the
 * credentials as they arrive.
 *
 * - Consistent: the source is read inside one transaction (on SQLite in WAL mode, one snapshot),
 *   so a server writing meanwhile cannot tear the copy.
 * - Resumable: rows already in the target are skipped (insert-or-ignore on the primary key), and
 *   the target records which vault it is a copy of: running the copy again finishes it.
 * - Safe: a target that holds rows of any other vault is refused before anything is written.
 */
export async function copyDatabase(
  source: DataSource,
  target: DataSource,
  onTable: (table: string) => void = () => undefined,
): Promise<TableCopy[]> {
  const tables = copiedTables(source);
  const identity = await vaultIdentity(source);
  await assertEmptyOrResuming(target, tables, identity);
  await meta(target)
    .createQueryBuilder()
    .insert()
    .values({ key: COPY_MARKER, value: identity })
    .orIgnore()
    .execute();
  const reader = source.createQueryRunner();
  await reader.startTransaction();
  try {
    for (const metadata of tables) {
      onTable(metadata.tableName);
      await copyTable(reader, target, metadata);
    }
    const counts: TableCopy[] = [];
    for (const metadata of tables) {
      // The target's vault_meta holds one row more: the marker.
      const marker = metadata.tableName === 'vault_meta' ? 1 : 0;
      counts.push({
        table: metadata.tableName,
        source: await reader.manager.count(metadata.target),
        target: (await target.manager.count(metadata.target)) - marker,
      });
    }
    if (counts.every((count) => count.source === count.target)) {
      // Done: from now on the target is a vault like any other, and a new copy into it refused.
      await meta(target).delete({ key: COPY_MARKER });
    }
    return counts;
  } finally {
    await reader.rollbackTransaction();
    await reader.release();
  }
}

/** The vault's tables, each after the tables its foreign keys point to. */
function copiedTables(source: DataSource): EntityMetadata[] {
  const pending = source.entityMetadatas.filter(
    (metadata) => metadata.tableType === 'regular' && !TRANSIENT_TABLES.has(metadata.tableName),
  );
  const ordered: EntityMetadata[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((metadata) =>
      metadata.foreignKeys.every(
        (key) =>
          key.referencedEntityMetadata === metadata ||
          ordered.includes(key.referencedEntityMetadata),
      ),
    );
    ordered.push(...pending.splice(index === -1 ? 0 : index, 1));
  }
  return ordered;
}

async function copyTable(
  reader: QueryRunner,
  target: DataSource,
  metadata: EntityMetadata,
): Promise<void> {
  const order = Object.fromEntries(
    metadata.primaryColumns.map((column) => [column.propertyPath, 'ASC' as const]),
  );
  for (let skip = 0; ; skip += PAGE_SIZE) {
    const rows = await reader.manager.find(metadata.target, { order, skip, take: PAGE_SIZE });
    if (rows.length === 0) {
      return;
    }
    await target
      .createQueryBuilder()
      .insert()
      .into(metadata.target)
      .values(rows)
      .orIgnore()
      .updateEntity(false)
      .execute();
  }
}

/** vault_meta, through its entity as the DataSource knows it (no import of key custody's entity). */
function meta(dataSource: DataSource): Repository<{ key: string; value: string }> {
  const metadata = dataSource.entityMetadatas.find((entity) => entity.tableName === 'vault_meta');
  if (metadata === undefined) {
    throw new Error('The DataSource does not hold the vault_meta entity');
  }
  return dataSource.getRepository(metadata.target);
}

/** Which vault a database holds: a digest of its key canary, random to each vault. */
async function vaultIdentity(source: DataSource): Promise<string> {
  const canary = await meta(source).findOneBy({ key: CANARY_KEY });
  if (canary === null) {
    throw new CopyRefusedError('The source database holds no vault yet: nothing to copy.');
  }
  return createHash('sha256').update(canary.value).digest('hex');
}

async function assertEmptyOrResuming(
  target: DataSource,
  tables: EntityMetadata[],
  identity: string,
): Promise<void> {
  const marker = await meta(target).findOneBy({ key: COPY_MARKER });
  if (marker !== null) {
    if (marker.value === identity) {
      return;
    }
    throw new CopyRefusedError(
      'The target database is a copy of another vault: copy into an empty database.',
    );
  }
  for (const metadata of tables) {
    if ((await target.manager.count(metadata.target)) > 0) {
      throw new CopyRefusedError(
        `The target database is not empty (${metadata.tableName} has rows): copy into an ` +
          'empty database, or one an earlier db:copy of this vault left unfinished.',
      );
    }
  }
}
