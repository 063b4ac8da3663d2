import { Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass, VAULT_OPTIONS } from './vault-options.module-definition';
import { WorkspaceRemoval } from './workspace-removal';

/**
 * The vault's global core: its options and the workspace-removal registry, so each feature
 * module can read them without importing another feature.
 */
@Global()
@Module({ providers: [WorkspaceRemoval], exports: [VAULT_OPTIONS, WorkspaceRemoval] })
export class VaultCoreModule extends ConfigurableModuleClass {}
