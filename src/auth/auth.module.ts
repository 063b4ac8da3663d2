import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { ExternalIdpService } from './external-idp.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { PermissionsGuard } from './permissions.guard';

@Module({
  imports: [PassportModule, TypeOrmModule.forFeature([ApiKeyEntity])],
  providers: [JwtStrategy, JwtAuthGuard, PermissionsGuard, ApiKeysService, ExternalIdpService],
  exports: [JwtAuthGuard, PermissionsGuard, ApiKeysService, ExternalIdpService],
})
export class AuthModule {}
