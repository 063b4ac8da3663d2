import { createSecretFile } from '../config/secret-files';
import { ConfigError } from '../core/errors';
import type { KeyringConfig } from '../core/keyring-config';
import { LocalKeyringProvider } from './local-keyring.provider';
import { MasterKeyProvider } from './master-key.provider';
import { Pkcs11MasterKeyProvider } from './pkcs11-master-key.provider';

/**
 * The master key provider `KEY_PROVIDER` chooses. A first key file is generated only for a
 * database that holds nothing encrypted yet: a new key could not read old data.
 */
export async function openMasterKeyProvider(
  keyring: KeyringConfig,
  databaseHoldsEncryptedData: boolean,
  databaseName: string,
): Promise<{ provider: MasterKeyProvider; source: string }> {
  if (keyring.kind === 'pkcs11') {
    const hsm = Pkcs11MasterKeyProvider.open(keyring);
    try {
      if (!(await hsm.initialKeyId()) && !databaseHoldsEncryptedData) {
        // A new vault: its first master key is generated inside the HSM, never outside.
        await hsm.createKey(keyring.keyLabel);
      }
    } catch (error) {
      await hsm.close();
      throw error;
    }
    return { provider: hsm, source: hsm.source };
  }
  let provider = LocalKeyringProvider.fromConfig(keyring);
  if (!provider.hasKeys && keyring.kind === 'files') {
    if (databaseHoldsEncryptedData) {
      throw new ConfigError(
        `The encryption key file ${keyring.legacyPath} is missing (and ${keyring.dir} holds no ` +
          `key), but the database ${databaseName} holds encrypted credentials. Restore the ` +
          'key file(s) from your backup (or set ENCRYPTION_KEYS); a new key could not decrypt ' +
          'them, so none was generated.',
      );
    }
    // The first key keeps the first release's place; keys:rotate-master adds DATA_DIR/keys/<kid>.key.
    createSecretFile(keyring.legacyPath);
    provider = LocalKeyringProvider.fromConfig(keyring);
  }
  return { provider, source: provider.source };
}
