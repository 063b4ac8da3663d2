import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass, VAULT_OPTIONS } from './vault-options.module-definition';
import { DeletedWorkspaces } from './deleted-workspaces';
import { InvalidationBus } from './invalidation-bus';
import { WorkspaceLifecycle } from './workspace-lifecycle';
import { assertVaultOptions, VAULT_OPTIONS_CHECK } from './vault-options-check';
import { VAULT_DATA_SOURCE, vaultDataSourceProvider, VaultEntity } from './vault-data-source';
import { CredentialsServiceOptions } from './vault-options';
import { SilentVaultTelemetry, VaultTelemetry } from './vault-telemetry';

/**
 * The vault's global core: its options, the workspace lifecycle, the deleted workspaces and the
 * telemetry port, so each feature
 * module can read them without importing another feature.
 */
@Global()
@Module({
  providers: [
    WorkspaceLifecycle,
    DeletedWorkspaces,
    InvalidationBus,
    { provide: VAULT_OPTIONS_CHECK, inject: [VAULT_OPTIONS], useFactory: assertVaultOptions },
    {
      provide: VaultTelemetry,
      inject: [VAULT_OPTIONS],
      useFactory: (options: CredentialsServiceOptions) =>
        options.telemetry ?? new SilentVaultTelemetry(),
    },
  ],
  exports: [VAULT_OPTIONS, WorkspaceLifecycle, DeletedWorkspaces, InvalidationBus, VaultTelemetry],
})
export class VaultCoreModule extends ConfigurableModuleClass {
  /**
   * Adds `VAULT_DATA_SOURCE` to the core made by `forRoot`/`forRootAsync`: the DataSource is named
   * when the module is composed, before an async options factory could run.
   */
  static onDataSource(
    core: DynamicModule,
    name: string | undefined,
    entities: VaultEntity[],
  ): DynamicModule {
    return {
      ...core,
      providers: [...(core.providers ?? []), vaultDataSourceProvider(name, entities)],
      exports: [...(core.exports ?? []), VAULT_DATA_SOURCE],
    };
  }
}
