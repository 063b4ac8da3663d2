import { DataSource } from 'typeorm';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { ConfigError } from '../core/errors';
import type { KeyringConfig } from '../core/keyring-config';
import { CredentialsServiceOptions } from '../core/vault-options';
import { AesGcmEncryptionProvider } from './aes-gcm-encryption.provider';
import { ensureKeyCanary, upgradeLegacyKeyCanary, verifyKeyCanary } from './key-canary';
import { KeyCustody } from './key-custody';
import { KeyHierarchy } from './key-hierarchy';
import { KeyHierarchyEncryptionProvider } from './key-hierarchy-encryption.provider';
import { assertMasterKeysPresent, holdsEncryptedData, readKeyReferences } from './master-key-check';
import { MasterKeyInfo, MasterKeyProvider } from './master-key.provider';
import { recordMasterKeySeen } from './master-key-rotation';
import { openMasterKeyProvider } from './open-master-key-provider';

/**
 * The key-custody start-up, run before anything is written: with a keyring, every master key the
 * data refers to must be present and the canary must decrypt; only then do migrations run (so a
 * refusal leaves the database unchanged), and the active master key and the canary are settled.
 * A first key is generated only for a database that holds nothing encrypted yet.
 */
export async function startKeyCustody(
  options: CredentialsServiceOptions,
  dataSource: DataSource,
  ciphertexts: CredentialCiphertexts,
): Promise<KeyCustody> {
  if (options.keyring) {
    return openKeyring(options.keyring, options.migrate === true, dataSource, ciphertexts);
  }
  const encryption = options.encryption ?? singleKeyProvider(options.encryptionKey);
  if (options.migrate) {
    await dataSource.runMigrations({ transaction: 'all' });
  }
  // Refuses a key that cannot decrypt what the database holds: once, at boot.
  await ensureKeyCanary(dataSource.manager, encryption);
  return new KeyCustody(encryption);
}

function singleKeyProvider(key: Buffer | undefined): AesGcmEncryptionProvider {
  if (!key) {
    throw new ConfigError(
      'CredentialsServiceModule needs one of keyring, encryptionKey or encryption',
    );
  }
  return new AesGcmEncryptionProvider(key);
}

async function openKeyring(
  keyring: KeyringConfig,
  migrate: boolean,
  dataSource: DataSource,
  ciphertexts: CredentialCiphertexts,
): Promise<KeyCustody> {
  const references = await readKeyReferences(dataSource, ciphertexts);
  const databaseName = String(dataSource.options.database ?? dataSource.options.type);
  const opened = await openMasterKeyProvider(keyring, holdsEncryptedData(references), databaseName);
  const masterKeys = opened.provider;
  try {
    const listed = await assertMasterKeysPresent(masterKeys, references, opened.source);
    const hierarchy = new KeyHierarchy(dataSource, masterKeys);
    const encryption = new KeyHierarchyEncryptionProvider(hierarchy);
    if (references.canary !== undefined) {
      await verifyKeyCanary(encryption, references.canary);
    }
    if (migrate) {
      await dataSource.runMigrations({ transaction: 'all' });
    }
    await settleActiveMasterKey(hierarchy, listed, opened.source);
    if (references.canary === undefined) {
      // The CLI may be the first to open a database: the canary must not wait for a server.
      await ensureKeyCanary(dataSource.manager, encryption);
    } else {
      // Verified above; only a first-release canary still needs rewriting.
      await upgradeLegacyKeyCanary(dataSource.manager, encryption, references.canary);
    }
    return new KeyCustody(encryption, { hierarchy, encryption, source: opened.source });
  } catch (error) {
    await masterKeys.close?.();
    throw error;
  }
}

/** Key files and HSMs do not order their keys: the database records which one is active. */
async function settleActiveMasterKey(
  keys: KeyHierarchy,
  listed: readonly MasterKeyInfo[],
  source: string,
): Promise<void> {
  for (const { kid, createdAt } of listed) {
    await recordMasterKeySeen(keys.dataSource, kid, createdAt);
  }
  const masterKeys: MasterKeyProvider = keys.masterKeys;
  if (masterKeys.configuredActiveKeyId() !== undefined) {
    return;
  }
  if ((await keys.recordedActiveMasterKeyId()) !== undefined) {
    return;
  }
  const initial = await masterKeys.initialKeyId();
  if (initial === undefined) {
    throw new ConfigError(
      `The keyring (${source}) holds several master keys and the database records none as ` +
        'active. Keep only the key this database was created with, start once, then add the ' +
        'others and run keys:rotate-master --kid <id>.',
    );
  }
  await keys.recordActiveMasterKeyId(initial);
}
