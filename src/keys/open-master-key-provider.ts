import { AppConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { LocalKeyringProvider, newMasterKeyId } from './local-keyring.provider';
import { MasterKeyProvider } from './master-key.provider';

/**
 * The master key provider `KEY_PROVIDER` chooses. A first key file is generated only for a
 * database that holds nothing encrypted yet: a new key could not read old data.
 */
export async function openMasterKeyProvider(
  config: AppConfig,
  databaseHoldsEncryptedData: boolean,
): Promise<{ provider: MasterKeyProvider; source: string }> {
  const keyring = config.keyring;
  if (keyring.kind === 'pkcs11') {
    throw new ConfigError('KEY_PROVIDER=pkcs11 is not available in this build');
  }
  const provider = LocalKeyringProvider.fromConfig(keyring);
  if (!provider.hasKeys && keyring.kind === 'files') {
    if (databaseHoldsEncryptedData) {
      throw new ConfigError(
        `No master key found (neither ${keyring.dir}/<kid>.key nor ${keyring.legacyPath}), but ` +
          `the database ${config.sqlitePath} holds encrypted credentials. Restore the key files ` +
          'from your backup (or set ENCRYPTION_KEYS); a new key could not decrypt them, so none ' +
          'was generated.',
      );
    }
    await provider.createKey?.(newMasterKeyId());
  }
  return { provider, source: provider.source };
}
