import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { CredentialTypesModule } from '../credential-types/credential-types.module';
import { CredentialCiphertextsRepository } from './credential-ciphertexts.repository';
import { CredentialTransferService } from './credential-transfer.service';
import { CredentialEntity } from './credential.entity';
import { CredentialsController } from './credentials.controller';
import { CredentialsRemoval } from './credentials-removal';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';

/**
 * The credential table's one owner: the API, the service that holds every rule, imports, and
 * the ciphertext port key custody rotates through. The `EncryptionProvider` comes from key
 * custody (global).
 */
@Module({
  imports: [TypeOrmModule.forFeature([CredentialEntity]), AuthModule, CredentialTypesModule],
  controllers: [CredentialsController],
  providers: [
    CredentialsService,
    CredentialsRepository,
    CredentialTransferService,
    CredentialsRemoval,
    CredentialCiphertextsRepository,
    { provide: CredentialCiphertexts, useExisting: CredentialCiphertextsRepository },
  ],
  exports: [CredentialsService, CredentialTransferService, CredentialCiphertexts],
})
export class CredentialsModule {}
