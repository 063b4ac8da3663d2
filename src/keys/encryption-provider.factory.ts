import { FactoryProvider } from '@nestjs/common';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { AesGcmEncryptionProvider } from './aes-gcm-encryption.provider';
import { EncryptionProvider } from '../core/encryption.provider';

/** The host's own provider when it gives one, else AES-256-GCM with the configured key. */
export const encryptionProvider: FactoryProvider<EncryptionProvider> = {
  provide: EncryptionProvider,
  inject: [VAULT_OPTIONS],
  useFactory: (options: CredentialsServiceOptions) => {
    if (options.encryption) {
      return options.encryption;
    }
    if (!options.encryptionKey) {
      throw new Error('CredentialsServiceModule needs either encryptionKey or encryption');
    }
    return new AesGcmEncryptionProvider(options.encryptionKey);
  },
};
