import { EntityManager } from 'typeorm';
import { EncryptionProvider } from '../core/encryption.provider';
import { EncryptionKeyMismatchError } from '../core/errors';
import { VaultMetaEntity } from './vault-meta.entity';

const CANARY_KEY = 'encryption-canary';
const CANARY_PLAINTEXT = 'credential-vault key canary';
/** A context no credential can have (credential ids are UUIDs), so the canary is never a row's. */
const CANARY_CONTEXT = { workspaceId: '', credentialId: 'vault:key-canary' };

/** The stored canary, or undefined for a database that has none yet (or no schema yet). */
export async function readKeyCanary(manager: EntityManager): Promise<string | undefined> {
  const runner = manager.connection.createQueryRunner();
  try {
    if (!(await runner.hasTable('vault_meta'))) {
      return undefined;
    }
  } finally {
    await runner.release();
  }
  const row = await manager.findOneBy(VaultMetaEntity, { key: CANARY_KEY });
  return row?.value;
}

export async function verifyKeyCanary(
  encryption: EncryptionProvider,
  canary: string,
  originalKey = 'ENCRYPTION_KEY or DATA_DIR/encryption.key',
): Promise<void> {
  try {
    if ((await encryption.decrypt(canary, CANARY_CONTEXT)) === CANARY_PLAINTEXT) {
      return;
    }
  } catch (error) {
    throw new EncryptionKeyMismatchError(
      'The encryption key does not match the key this database was encrypted with ' +
        `(${(error as Error).message}). Start with the original key (${originalKey}); the ` +
        'database was not modified.',
    );
  }
  throw new EncryptionKeyMismatchError('The encryption key canary holds unexpected data');
}

/** Verifies the stored canary, or stores one made with this key when there is none. */
export async function ensureKeyCanary(
  manager: EntityManager,
  encryption: EncryptionProvider,
  originalKey?: string,
): Promise<void> {
  const canary = await readKeyCanary(manager);
  if (canary !== undefined) {
    return verifyKeyCanary(encryption, canary, originalKey);
  }
  await manager
    .createQueryBuilder()
    .insert()
    .into(VaultMetaEntity)
    .values({ key: CANARY_KEY, value: await encryption.encrypt(CANARY_PLAINTEXT, CANARY_CONTEXT) })
    .orIgnore()
    .execute();
  // Another replica may have won the insert: verify whichever canary is stored now.
  return verifyKeyCanary(encryption, (await readKeyCanary(manager)) as string, originalKey);
}

/**
 * Re-encrypts a first-release canary with the current provider, so that it stops depending on
 * the first master key and that key can be retired after a rotation. `verified` is the stored
 * canary the caller has just verified; the update applies only while it is still the one stored.
 */
export async function upgradeLegacyKeyCanary(
  manager: EntityManager,
  encryption: EncryptionProvider,
  verified: string,
): Promise<void> {
  if (!verified.startsWith('v1.')) {
    return;
  }
  await manager.update(
    VaultMetaEntity,
    { key: CANARY_KEY, value: verified },
    { value: await encryption.encrypt(CANARY_PLAINTEXT, CANARY_CONTEXT) },
  );
}
