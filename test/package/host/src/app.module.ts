import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  CREDENTIALS_ENTITIES,
  CREDENTIALS_MIGRATIONS,
  CredentialsServiceModule,
} from 'credential-vault';
import { HostAuthGuard } from './host-auth.guard';
import { HostController } from './host.controller';
import { resolvePrincipal } from './host-principal';
import { hostSettings } from './host-settings';

/**
 * A host as a new user writes one: its own DataSource, route and global guard; the vault's
 * credentials API imported beside, authorised by the host's tokens through `resolvePrincipal`.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => ({
        ...hostSettings().database,
        entities: [...CREDENTIALS_ENTITIES],
        migrations: [...CREDENTIALS_MIGRATIONS],
        migrationsRun: true,
      }),
    }),
    CredentialsServiceModule.forRootAsync({
      routes: 'credentials',
      useFactory: () => ({
        encryptionKey: hostSettings().encryptionKey,
        jwtSecret: hostSettings().jwtSecret,
        resolvePrincipal,
      }),
    }),
  ],
  controllers: [HostController],
  providers: [{ provide: APP_GUARD, useClass: HostAuthGuard }],
})
export class AppModule {}
