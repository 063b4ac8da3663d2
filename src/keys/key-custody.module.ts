import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { EncryptionProvider } from '../core/encryption.provider';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { DataKeyRotation } from './data-key-rotation';
import { KeyCustody } from './key-custody';
import { startKeyCustody } from './key-custody-startup';
import { KeyStatusReport } from './key-status';
import { KeyVerification } from './key-verification';
import { MasterKeyRotation } from './master-key-rotation';
import { WorkspaceDataKeysRemoval } from './workspace-data-keys-removal';

/**
 * Key custody: the `EncryptionProvider` every credential goes through, the master keys and data
 * keys behind it, its start-up check, rotation and verification. It reaches credential rows only
 * through the `CredentialCiphertexts` port, which `credentialStore` (the module that owns the
 * credential table) must export; global, so the credential store can inject the provider.
 */
@Module({})
export class KeyCustodyModule {
  static forRoot(credentialStore: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: KeyCustodyModule,
      global: true,
      imports: [credentialStore],
      providers: [
        {
          provide: KeyCustody,
          inject: [VAULT_OPTIONS, DataSource, CredentialCiphertexts],
          useFactory: (
            options: CredentialsServiceOptions,
            dataSource: DataSource,
            ciphertexts: CredentialCiphertexts,
          ) => startKeyCustody(options, dataSource, ciphertexts),
        },
        {
          provide: EncryptionProvider,
          inject: [KeyCustody],
          useFactory: (custody: KeyCustody) => custody.encryption,
        },
        WorkspaceDataKeysRemoval,
        DataKeyRotation,
        MasterKeyRotation,
        KeyVerification,
        KeyStatusReport,
      ],
      exports: [
        KeyCustody,
        EncryptionProvider,
        DataKeyRotation,
        MasterKeyRotation,
        KeyVerification,
        KeyStatusReport,
      ],
    };
  }
}
