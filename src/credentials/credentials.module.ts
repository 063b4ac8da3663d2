import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { CredentialTypesModule } from '../credential-types/credential-types.module';
import { CredentialEntity } from './credential.entity';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { EncryptionKeyCheck } from '../keys/encryption-key-check.service';
import { encryptionProvider } from '../keys/encryption-provider.factory';

@Module({
  imports: [TypeOrmModule.forFeature([CredentialEntity]), AuthModule, CredentialTypesModule],
  controllers: [CredentialsController],
  providers: [CredentialsService, CredentialsRepository, encryptionProvider, EncryptionKeyCheck],
  exports: [CredentialsService],
})
export class CredentialsModule {}
