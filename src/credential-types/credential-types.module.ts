import { FactoryProvider, Logger, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { ComponentsCredentialsController } from './components-credentials.controller';
import { CredentialTypesRegistry } from './credential-types.registry';

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

/** The credential-type catalogue: its API and the registry that checks credentials against it. */
@Module({
  imports: [AuthModule],
  controllers: [ComponentsCredentialsController],
  providers: [credentialTypesRegistry],
  exports: [CredentialTypesRegistry],
})
export class CredentialTypesModule {}
