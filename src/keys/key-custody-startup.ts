import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '../common/locked-migrations';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { ConfigError } from '../core/errors';
import type { KeyringConfig } from '../core/keyring-config';
import { CredentialsServiceOptions } from '../core/vault-options';
import { keyFingerprint } from '../config/keyring';
import { EncryptionProvider } from '../core/encryption.provider';
import { ensureKeyCanary, upgradeLegacyKeyCanary, verifyKeyCanary } from './key-canary';
import { KeyCustody } from './key-custody';
import { KeyHierarchy } from './key-hierarchy';
import type { VaultTelemetry } from '../core/vault-telemetry';
import { KeyHierarchyEncryptionProvider } from './key-hierarchy-encryption.provider';
import { assertMasterKeysPresent, holdsEncryptedData, readKeyReferences } from './master-key-check';
import { MasterKeyInfo, MasterKeyProvider } from './master-key.provider';
import { recordMasterKeySeen } from './master-key-rotation';
import { openMasterKeyProvider } from './open-master-key-provider';

const AES_256_KEY_BYTES = 32;

/** Start-up lines carry a stable `event` (README, "Logs"); the host's logger decides the format. */
const logger = new Logger('KeyCustody');

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
  deleted: DeletedWorkspaces,
  telemetry?: VaultTelemetry,
): Promise<KeyCustody> {
  const keyring = options.keyring ?? embeddedKeyring(options);
  if (keyring) {
    const migrate = options.migrate === true;
    return openKeyring(keyring, migrate, dataSource, ciphertexts, deleted, telemetry);
  }
  const encryption = options.encryption as EncryptionProvider;
  if (options.migrate) {
    await applyMigrations(dataSource);
  }
  // Refuses a key that cannot decrypt what the database holds: once, at boot.
  await ensureKeyCanary(dataSource.manager, encryption, 'the same encryption provider and key');
  logKeysChecked('the encryption provider');
  return new KeyCustody(encryption);
}

/**
 * An embedding app's `encryptionKey` alone is a one-key keyring, so it gets what the server
 * gets: a data key per workspace wrapped by it. Its id is the key's fingerprint, under which the
 * first release's `v1` envelopes (written under this key directly) still decrypt.
 */
function embeddedKeyring(options: CredentialsServiceOptions): KeyringConfig | undefined {
  if (options.encryption) {
    return undefined;
  }
  const key = options.encryptionKey;
  if (!key) {
    throw new ConfigError(
      'CredentialsServiceModule needs one of the options keyring, encryptionKey or encryption',
    );
  }
  if (!Buffer.isBuffer(key) || key.length !== AES_256_KEY_BYTES) {
    throw new ConfigError(
      `CredentialsServiceModule option encryptionKey must be exactly ${AES_256_KEY_BYTES} bytes ` +
        `(a Buffer, e.g. Buffer.from(base64, 'base64'))`,
    );
  }
  return { kind: 'env', variable: 'encryptionKey', keys: [{ kid: keyFingerprint(key), key }] };
}

async function openKeyring(
  keyring: KeyringConfig,
  migrate: boolean,
  dataSource: DataSource,
  ciphertexts: CredentialCiphertexts,
  deleted: DeletedWorkspaces,
  telemetry?: VaultTelemetry,
): Promise<KeyCustody> {
  const references = await readKeyReferences(dataSource, ciphertexts);
  const databaseName = String(dataSource.options.database ?? dataSource.options.type);
  const opened = await openMasterKeyProvider(keyring, holdsEncryptedData(references), databaseName);
  const masterKeys = opened.provider;
  try {
    const listed = await assertMasterKeysPresent(masterKeys, references, opened.source);
    const hierarchy = new KeyHierarchy(
      dataSource,
      masterKeys,
      undefined,
      (workspaceId) => deleted.isDeleted(workspaceId),
      undefined,
      telemetry,
    );
    const encryption = new KeyHierarchyEncryptionProvider(hierarchy);
    if (references.canary !== undefined) {
      // Before migrations: a first-release database still has its data keys under the old name.
      const verifier = references.legacyDataKeyTable
        ? new KeyHierarchyEncryptionProvider(
            new KeyHierarchy(
              dataSource,
              masterKeys,
              undefined,
              undefined,
              references.legacyDataKeyTable,
            ),
          )
        : encryption;
      await verifyKeyCanary(verifier, references.canary, originalKeyOf(keyring));
    }
    if (migrate) {
      await applyMigrations(dataSource);
    }
    await settleActiveMasterKey(hierarchy, listed, opened.source);
    if (references.canary === undefined) {
      // The CLI may be the first to open a database: the canary must not wait for a server.
      await ensureKeyCanary(dataSource.manager, encryption, originalKeyOf(keyring));
    } else {
      // Verified above; only a first-release canary still needs rewriting.
      await upgradeLegacyKeyCanary(dataSource.manager, encryption, references.canary);
    }
    logKeysChecked(opened.source);
    return new KeyCustody(encryption, { hierarchy, encryption, source: opened.source });
  } catch (error) {
    await masterKeys.close?.();
    throw error;
  }
}

async function applyMigrations(dataSource: DataSource): Promise<void> {
  const applied = await runMigrationsLocked(dataSource);
  logger.log({
    event: 'migrations.applied',
    count: applied.length,
    migrations: applied.map((migration) => migration.name),
    msg:
      applied.length === 0
        ? 'Database schema up to date'
        : `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
  });
}

/** Names where the keys live (a variable, a file, an HSM slot), never a key. */
function logKeysChecked(source: string): void {
  logger.log({ event: 'keys.checked', keySource: source, msg: `Keys checked (${source})` });
}

function originalKeyOf(keyring: KeyringConfig): string | undefined {
  return keyring.kind === 'env' && keyring.variable === 'encryptionKey'
    ? 'the encryptionKey option'
    : undefined;
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
