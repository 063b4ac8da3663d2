import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { createSecretFile, fileExists, readSecretFile } from '../config/secret-files';
import { AesGcmEncryptionProvider } from '../credentials/encryption/aes-gcm-encryption.provider';
import { readKeyCanary, verifyKeyCanary } from '../credentials/encryption/key-canary';
import { dataSourceOptions } from './data-source-options';

export interface OpenDatabase {
  readonly dataSource: DataSource;
  readonly encryptionKey: Buffer;
}

/**
 * Opens the database and settles the encryption key before anything is written: the key must
 * match the stored canary, and a key file is generated only for a database that holds nothing
 * encrypted yet. Migrations run only after both checks, so a refusal leaves the file unchanged.
 */
export async function openDatabase(config: AppConfig): Promise<OpenDatabase> {
  const isNewFile = !existsSync(config.sqlitePath);
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    const canary = isNewFile ? undefined : await readKeyCanary(dataSource.manager);
    const encryptionKey = resolveEncryptionKey(config, canary !== undefined);
    if (canary !== undefined) {
      await verifyKeyCanary(new AesGcmEncryptionProvider(encryptionKey), canary);
    }
    await dataSource.runMigrations({ transaction: 'all' });
    return { dataSource, encryptionKey };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

function resolveEncryptionKey(config: AppConfig, databaseHoldsEncryptedData: boolean): Buffer {
  const source = config.encryptionKey;
  if (source.kind === 'env') {
    return source.key;
  }
  if (fileExists(source.path)) {
    const key = readSecretFile(source.path, 'encryption key');
    if (key.length !== 32) {
      throw new ConfigError(
        `The encryption key file ${source.path} does not hold base64 of 32 bytes`,
      );
    }
    return key;
  }
  if (databaseHoldsEncryptedData) {
    throw new ConfigError(
      `The encryption key file ${source.path} is missing, but the database ${config.sqlitePath} ` +
        'holds encrypted credentials. Restore the key file from your backup (or set ENCRYPTION_KEY); ' +
        'a new key could not decrypt them, so none was generated.',
    );
  }
  return createSecretFile(source.path);
}
