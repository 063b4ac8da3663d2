import { Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass, VAULT_OPTIONS } from './vault-options.module-definition';
import { WorkspaceLifecycle } from './workspace-lifecycle';

/**
 * The vault's global core: its options and the workspace-removal registry, so each feature
 * module can read them without importing another feature.
 */
@Global()
@Module({ providers: [WorkspaceLifecycle], exports: [VAULT_OPTIONS, WorkspaceLifecycle] })
export class VaultCoreModule extends ConfigurableModuleClass {}
