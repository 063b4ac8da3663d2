import { DynamicModule, Inject, Module, NestModule } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { VaultCoreModule } from './core/vault-core.module';
import { ASYNC_OPTIONS_TYPE, OPTIONS_TYPE } from './core/vault-options.module-definition';
import { VaultMountOptions } from './core/vault-options';
import { CredentialTypesModule } from './credential-types/credential-types.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CREDENTIALS_ENTITIES } from './database/schema';
import { KeyCustodyModule } from './keys/key-custody.module';
import { ReplicationModule } from './replication/replication.module';
import { VaultSchemaCheck } from './vault-schema-check';
import { applyVaultRoutes, VAULT_MOUNT, VaultMount, vaultMount } from './vault-routes';

/**
 * The credential vault as one module: the Flowise-compatible credentials API behind its own
 * bearer-token guard (or the host's, through `resolvePrincipal`), with identity and key custody.
 * The host provides a TypeORM DataSource holding `CREDENTIALS_ENTITIES` and running
 * `CREDENTIALS_MIGRATIONS` (or sets `migrate`), and chooses which routes to mount and where.
 */
@Module({})
export class CredentialsServiceModule implements NestModule {
  constructor(
    private readonly modules: ModulesContainer,
    @Inject(VAULT_MOUNT) private readonly mount: VaultMount,
  ) {}

  static forRoot(options: typeof OPTIONS_TYPE & VaultMountOptions): DynamicModule {
    return CredentialsServiceModule.compose(VaultCoreModule.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE & VaultMountOptions): DynamicModule {
    return CredentialsServiceModule.compose(VaultCoreModule.forRootAsync(options), options);
  }

  private static compose(core: DynamicModule, options: VaultMountOptions): DynamicModule {
    const mount = vaultMount(options);
    // Only for the entities it records: a host's `autoLoadEntities` then loads the vault's on the
    // vault's DataSource. The repositories come from VAULT_DATA_SOURCE (core), which checks it.
    TypeOrmModule.forFeature(CREDENTIALS_ENTITIES, options.dataSource);
    return {
      module: CredentialsServiceModule,
      imports: [
        VaultCoreModule.onDataSource(core, options.dataSource, CREDENTIALS_ENTITIES),
        KeyCustodyModule.forRoot(CredentialsModule),
        AuthModule,
        ReplicationModule,
        ...mount.modules,
      ],
      providers: [{ provide: VAULT_MOUNT, useValue: mount }, VaultSchemaCheck],
      exports: [CredentialsModule, CredentialTypesModule],
    };
  }

  /** Called after every module was built and before routes exist: see applyVaultRoutes. */
  configure(): void {
    applyVaultRoutes(this.modules, CredentialsServiceModule, this.mount);
  }
}
