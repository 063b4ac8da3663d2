import { Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass, VAULT_OPTIONS } from './vault-options.module-definition';
import { DeletedWorkspaces } from './deleted-workspaces';
import { WorkspaceLifecycle } from './workspace-lifecycle';

/**
 * The vault's global core: its options, the workspace lifecycle and the deleted workspaces, so each feature
 * module can read them without importing another feature.
 */
@Global()
@Module({
  providers: [WorkspaceLifecycle, DeletedWorkspaces],
  exports: [VAULT_OPTIONS, WorkspaceLifecycle, DeletedWorkspaces],
})
export class VaultCoreModule extends ConfigurableModuleClass {}
