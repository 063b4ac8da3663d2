import { DataSource } from 'typeorm';
import { EncryptionKeyMismatchError } from '../core/errors';
import { readKeyCanary } from './key-canary';
import { envelopeKey } from './key-hierarchy-encryption.provider';
import { MasterKeyProvider } from './master-key.provider';

/** Which master keys the stored data depends on, read before any migration runs. */
export interface StoredKeyReferences {
  readonly canary?: string;
  /** Master keys that wrap data keys. */
  readonly masterKeyIds: readonly string[];
  /** First-release `v1.<keyId>` envelopes: the ids of the keys they need. */
  readonly legacyKeyIds: readonly string[];
  /** The master key the database records as active (key files, HSM). */
  readonly recordedActiveKeyId?: string;
}

export const NO_KEY_REFERENCES: StoredKeyReferences = { masterKeyIds: [], legacyKeyIds: [] };

export function holdsEncryptedData(references: StoredKeyReferences): boolean {
  return (
    references.canary !== undefined ||
    references.masterKeyIds.length > 0 ||
    references.legacyKeyIds.length > 0
  );
}

export async function readKeyReferences(dataSource: DataSource): Promise<StoredKeyReferences> {
  const runner = dataSource.createQueryRunner();
  try {
    const [hasDataKeys, hasCredentials, hasMeta] = await Promise.all([
      runner.hasTable('workspace_data_key'),
      runner.hasTable('credential'),
      runner.hasTable('vault_meta'),
    ]);
    const canary = hasMeta ? await readKeyCanary(dataSource.manager) : undefined;
    const masterKeyIds = hasDataKeys
      ? (
          await dataSource
            .createQueryBuilder()
            .select('DISTINCT dataKey.masterKeyId', 'kid')
            .from('workspace_data_key', 'dataKey')
            .getRawMany<{ kid: string }>()
        ).map((row) => row.kid)
      : [];
    const legacyKeyIds = new Set<string>();
    if (hasCredentials) {
      const rows = await dataSource
        .createQueryBuilder()
        .select('DISTINCT SUBSTR(credential.encryptedData, 1, 20)', 'head')
        .from('credential', 'credential')
        .where('credential.encryptedData LIKE :prefix', { prefix: 'v1.%' })
        .getRawMany<{ head: string }>();
      for (const { head } of rows) {
        addLegacyKeyId(legacyKeyIds, head);
      }
    }
    if (canary !== undefined) {
      addLegacyKeyId(legacyKeyIds, canary);
    }
    const recordedActiveKeyId = hasMeta
      ? (
          await dataSource
            .createQueryBuilder()
            .select('meta.value', 'value')
            .from('vault_meta', 'meta')
            .where('meta.key = :key', { key: 'master-key-active' })
            .getRawOne<{ value: string }>()
        )?.value
      : undefined;
    return { canary, masterKeyIds, legacyKeyIds: [...legacyKeyIds], recordedActiveKeyId };
  } finally {
    await runner.release();
  }
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
): Promise<void> {
  const available = new Set((await provider.listKeys()).map((key) => key.kid));
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
}
