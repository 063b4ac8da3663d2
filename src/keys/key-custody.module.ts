import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { EncryptionProvider } from '../core/encryption.provider';
import { VAULT_DATA_SOURCE } from '../core/vault-data-source';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { VaultTelemetry } from '../core/vault-telemetry';
import { DataKeyRotation } from './data-key-rotation';
import { KeyCustody } from './key-custody';
import { KeyInvalidations } from './key-invalidations';
import { KeyOperationEvents } from './key-operation-events';
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
      imports: [credentialStore, AuditModule],
      providers: [
        {
          provide: KeyCustody,
          inject: [
            VAULT_OPTIONS,
            VAULT_DATA_SOURCE,
            CredentialCiphertexts,
            DeletedWorkspaces,
            VaultTelemetry,
          ],
          useFactory: (
            options: CredentialsServiceOptions,
            dataSource: DataSource,
            ciphertexts: CredentialCiphertexts,
            deleted: DeletedWorkspaces,
            telemetry: VaultTelemetry,
          ) => startKeyCustody(options, dataSource, ciphertexts, deleted, telemetry),
        },
        {
          provide: EncryptionProvider,
          inject: [KeyCustody],
          useFactory: (custody: KeyCustody) => custody.encryption,
        },
        WorkspaceDataKeysRemoval,
        KeyInvalidations,
        DataKeyRotation,
        MasterKeyRotation,
        KeyVerification,
        KeyStatusReport,
        KeyOperationEvents,
      ],
      exports: [
        KeyCustody,
        EncryptionProvider,
        DataKeyRotation,
        MasterKeyRotation,
        KeyVerification,
        KeyStatusReport,
        KeyOperationEvents,
      ],
    };
  }
}
