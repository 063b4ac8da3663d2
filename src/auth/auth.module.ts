import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module';
import { vaultRepositories } from '../core/vault-data-source';
import { ApiKeyEntity } from './api-key.entity';
import { AccessTokenRevocations } from './access-token-revocations';
import { ApiKeysService } from './api-keys.service';
import { ExternalIdpService } from './external-idp.service';
import { HostPrincipals } from './host-principals';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { PermissionsGuard } from './permissions.guard';

@Module({
  imports: [PassportModule, AuditModule],
  providers: [
    ...vaultRepositories(ApiKeyEntity),
    JwtStrategy,
    JwtAuthGuard,
    PermissionsGuard,
    ApiKeysService,
    ExternalIdpService,
    AccessTokenRevocations,
    HostPrincipals,
  ],
  exports: [
    JwtAuthGuard,
    PermissionsGuard,
    ApiKeysService,
    ExternalIdpService,
    AccessTokenRevocations,
    HostPrincipals,
  ],
})
export class AuthModule {}
