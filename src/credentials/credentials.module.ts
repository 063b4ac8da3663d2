import { Module } from '@nestjs/common';
import { vaultRepositories } from '../core/vault-data-source';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { CredentialTypesModule } from '../credential-types/credential-types.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { CredentialCiphertextsRepository } from './credential-ciphertexts.repository';
import { CredentialTransferService } from './credential-transfer.service';
import { CredentialEntity } from './credential.entity';
import { CredentialsController } from './credentials.controller';
import { CredentialsRemoval } from './credentials-removal';
import { CredentialsRepository } from './credentials.repository';
import { CredentialWritesRepository } from './credential-writes.repository';
import { CredentialsService } from './credentials.service';
import { CredentialsClient } from './credentials-client';
import { ImportedCredentialsReadBack } from './imported-credentials-read-back';
import { CredentialDeletion } from './usages/credential-deletion';
import { CredentialCreateRecovery } from './credential-create-recovery';
import { CredentialUsageEntity } from './usages/credential-usage.entity';
import { CredentialUsagesController } from './usages/credential-usages.controller';
import { CredentialUsagesRemoval } from './usages/credential-usages-removal';
import { CredentialUsagesService } from './usages/credential-usages.service';
import { LastUsedRecorder } from './usages/last-used-recorder';

/**
 * The credential table's one owner: the API, the service that holds every rule, imports, and
 * the ciphertext port key custody rotates through. The `EncryptionProvider` comes from key
 * custody (global).
 */
@Module({
  imports: [AuditModule, AuthModule, CredentialTypesModule, IdempotencyModule],
  controllers: [CredentialsController, CredentialUsagesController],
  providers: [
    ...vaultRepositories(CredentialEntity, CredentialUsageEntity),
    CredentialsService,
    CredentialsRepository,
    CredentialWritesRepository,
    CredentialTransferService,
    ImportedCredentialsReadBack,
    CredentialsRemoval,
    CredentialCiphertextsRepository,
    { provide: CredentialCiphertexts, useExisting: CredentialCiphertextsRepository },
    LastUsedRecorder,
    CredentialUsagesService,
    CredentialUsagesRemoval,
    CredentialDeletion,
    CredentialCreateRecovery,
    CredentialsClient,
  ],
  exports: [
    CredentialsService,
    CredentialTransferService,
    ImportedCredentialsReadBack,
    CredentialCiphertexts,
    CredentialsClient,
    CredentialDeletion,
    CredentialCreateRecovery,
  ],
})
export class CredentialsModule {}
