import { FactoryProvider, Logger, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { ComponentsCredentialsController } from './components-credentials.controller';
import { CredentialTypesRegistry } from './credential-types.registry';
import { ComponentsCredentialsIconController } from './icons/components-credentials-icon.controller';
import { CredentialIcons } from './icons/credential-icons';

const credentialTypesRegistry: FactoryProvider<CredentialTypesRegistry> = {
  provide: CredentialTypesRegistry,
  inject: [VAULT_OPTIONS],
  useFactory: (options: CredentialsServiceOptions) => {
    const registry = new CredentialTypesRegistry({
      mode: options.credentialTypes,
      file: options.credentialTypesFile,
    });
    if (registry.mode === 'permissive') {
      new Logger('CredentialTypes').warn(
        'Permissive credential types: credentials of unknown types are stored unchecked',
      );
    }
    return registry;
  },
};

const credentialIcons: FactoryProvider<CredentialIcons> = {
  provide: CredentialIcons,
  inject: [CredentialTypesRegistry],
  useFactory: (types: CredentialTypesRegistry) => new CredentialIcons(types),
};

/** The credential-type catalogue: its API and the registry that checks credentials against it. */
@Module({
  imports: [AuthModule],
  controllers: [ComponentsCredentialsController, ComponentsCredentialsIconController],
  providers: [credentialTypesRegistry, credentialIcons],
  exports: [CredentialTypesRegistry],
})
export class CredentialTypesModule {}
