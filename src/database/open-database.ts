import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import {
  ensureKeyCanary,
  upgradeLegacyKeyCanary,
  verifyKeyCanary,
} from '../credentials/encryption/key-canary';
import { KeyHierarchy } from '../keys/key-hierarchy';
import { KeyHierarchyEncryptionProvider } from '../keys/key-hierarchy-encryption.provider';
import {
  assertMasterKeysPresent,
  holdsEncryptedData,
  NO_KEY_REFERENCES,
  readKeyReferences,
} from '../keys/master-key-check';
import { MasterKeyProvider } from '../keys/master-key.provider';
import { recordMasterKeySeen } from '../keys/master-key-rotation';
import { openMasterKeyProvider } from '../keys/open-master-key-provider';
import { dataSourceOptions } from './data-source-options';
import { makeDataFilesPrivate } from './private-data-files';

export interface OpenDatabase {
  readonly dataSource: DataSource;
  readonly masterKeys: MasterKeyProvider;
  /** Where the master keys come from, for messages (never their material). */
  readonly keySource: string;
  readonly keys: KeyHierarchy;
  readonly encryption: KeyHierarchyEncryptionProvider;
}

/**
 * Opens the database and settles the keys before anything is written: every master key the
 * data refers to must be in the keyring, and the canary must decrypt. A first key is generated
 * only for a database that holds nothing encrypted yet. Migrations run only after these
 * checks, so a refusal leaves the file unchanged.
 */
export async function openDatabase(config: AppConfig): Promise<OpenDatabase> {
  const isNewFile = !existsSync(config.sqlitePath);
  makeDataFilesPrivate(config.sqlitePath);
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  let masterKeys: MasterKeyProvider | undefined;
  try {
    const references = isNewFile ? NO_KEY_REFERENCES : await readKeyReferences(dataSource);
    const opened = await openMasterKeyProvider(config, holdsEncryptedData(references));
    masterKeys = opened.provider;
    await assertMasterKeysPresent(masterKeys, references, opened.source);
    const keys = new KeyHierarchy(dataSource, masterKeys);
    const encryption = new KeyHierarchyEncryptionProvider(keys);
    if (references.canary !== undefined) {
      await verifyKeyCanary(encryption, references.canary);
    }
    await dataSource.runMigrations({ transaction: 'all' });
    await settleActiveMasterKey(keys, opened.source);
    if (references.canary === undefined) {
      // The CLI may be the first to open a database: the canary must not wait for a server.
      await ensureKeyCanary(dataSource.manager, encryption);
    } else {
      // Verified above; only a first-release canary still needs rewriting.
      await upgradeLegacyKeyCanary(dataSource.manager, encryption, references.canary);
    }
    return { dataSource, masterKeys, keySource: opened.source, keys, encryption };
  } catch (error) {
    await masterKeys?.close?.();
    await dataSource.destroy();
    throw error;
  }
}

/** Key files and HSMs do not order their keys: the database records which one is active. */
async function settleActiveMasterKey(keys: KeyHierarchy, source: string): Promise<void> {
  for (const { kid, createdAt } of await keys.masterKeys.listKeys()) {
    await recordMasterKeySeen(keys.dataSource, kid, createdAt);
  }
  if (keys.masterKeys.configuredActiveKeyId() !== undefined) {
    return;
  }
  if ((await keys.recordedActiveMasterKeyId()) !== undefined) {
    return;
  }
  const initial = await keys.masterKeys.initialKeyId();
  if (initial === undefined) {
    throw new ConfigError(
      `The keyring (${source}) holds several master keys and the database records none as ` +
        'active. Keep only the key this database was created with, start once, then add the ' +
        'others and run keys:rotate-master --kid <id>.',
    );
  }
  await keys.recordActiveMasterKeyId(initial);
}
