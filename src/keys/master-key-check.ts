import { DataSource } from 'typeorm';
import { existingTableName } from '../common/existing-table';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { EncryptionKeyMismatchError } from '../core/errors';
import { readKeyCanary } from './key-canary';
import { ACTIVE_MASTER_KEY } from './key-hierarchy';
import { envelopeKey } from './key-hierarchy-encryption.provider';
import { MasterKeyInfo, MasterKeyProvider } from './master-key.provider';
import { VaultMetaEntity } from './vault-meta.entity';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';

/** Which master keys the stored data depends on, read before any migration runs. */
export interface StoredKeyReferences {
  readonly canary?: string;
  /** Master keys that wrap data keys. */
  readonly masterKeyIds: readonly string[];
  /** First-release `v1.<keyId>` envelopes: the ids of the keys they need. */
  readonly legacyKeyIds: readonly string[];
  /** The master key the database records as active (key files, HSM). */
  readonly recordedActiveKeyId?: string;
  /** Where the data keys are before migrations run, when that is not their table's own name. */
  readonly legacyDataKeyTable?: string;
}

export const NO_KEY_REFERENCES: StoredKeyReferences = { masterKeyIds: [], legacyKeyIds: [] };

export function holdsEncryptedData(references: StoredKeyReferences): boolean {
  return (
    references.canary !== undefined ||
    references.masterKeyIds.length > 0 ||
    references.legacyKeyIds.length > 0
  );
}

/**
 * What the stored data needs, read before migrations run (so every read copes with a table that
 * does not exist yet): the canary, the master keys that wrap data keys, first-release envelopes.
 */
export async function readKeyReferences(
  dataSource: DataSource,
  ciphertexts: CredentialCiphertexts,
): Promise<StoredKeyReferences> {
  const ownTable = dataSource.getMetadata(WorkspaceDataKeyEntity).tableName;
  const runner = dataSource.createQueryRunner();
  let dataKeyTable: string | undefined;
  let hasMeta: boolean;
  try {
    [dataKeyTable, hasMeta] = await Promise.all([
      existingTableName(runner, ownTable),
      runner.hasTable('vault_meta'),
    ]);
  } finally {
    await runner.release();
  }
  const canary = hasMeta ? await readKeyCanary(dataSource.manager) : undefined;
  const { driver } = dataSource;
  const masterKeyIds = dataKeyTable
    ? (
        await dataSource.query<{ kid: string }[]>(
          `SELECT DISTINCT ${driver.escape('masterKeyId')} AS ${driver.escape('kid')}` +
            ` FROM ${driver.escape(dataKeyTable)}`,
        )
      ).map((row) => row.kid)
    : [];
  const legacyKeyIds = new Set<string>();
  for (const head of await ciphertexts.legacyEnvelopeHeads()) {
    addLegacyKeyId(legacyKeyIds, head);
  }
  if (canary !== undefined) {
    addLegacyKeyId(legacyKeyIds, canary);
  }
  const recordedActiveKeyId = hasMeta
    ? (await dataSource.getRepository(VaultMetaEntity).findOneBy({ key: ACTIVE_MASTER_KEY }))?.value
    : undefined;
  return {
    canary,
    masterKeyIds,
    legacyKeyIds: [...legacyKeyIds],
    recordedActiveKeyId,
    legacyDataKeyTable: dataKeyTable === ownTable ? undefined : dataKeyTable,
  };
}

function addLegacyKeyId(ids: Set<string>, envelope: string): void {
  const key = envelopeKey(envelope);
  if (key.kind === 'legacy') {
    ids.add(key.legacyKeyId);
  }
}

/**
 * Every master key the database refers to must be present: otherwise refuse to start, naming
 * the missing ids, instead of failing one request at a time (or serving from a replica whose
 * keyring differs).
 */
export async function assertMasterKeysPresent(
  provider: MasterKeyProvider,
  references: StoredKeyReferences,
  source: string,
): Promise<MasterKeyInfo[]> {
  const listed = await provider.listKeys();
  const available = new Set(listed.map((key) => key.kid));
  const missing = new Set(references.masterKeyIds.filter((kid) => !available.has(kid)));
  for (const legacyKeyId of references.legacyKeyIds) {
    if (!provider.legacyKey?.(legacyKeyId)) {
      missing.add(legacyKeyId);
    }
  }
  const active = references.recordedActiveKeyId;
  if (
    active !== undefined &&
    provider.configuredActiveKeyId() === undefined &&
    !available.has(active)
  ) {
    missing.add(active);
  }
  if (missing.size > 0) {
    throw new EncryptionKeyMismatchError(
      'The encryption key does not match the keys this database was encrypted with. ' +
        `Missing master key(s): ${[...missing].sort().join(', ')}: the database holds data keys ` +
        `or credentials encrypted under them, and the keyring (${source}) does not have them. ` +
        'Restore them from your key backup; the database was not modified.',
    );
  }
  return listed;
}
