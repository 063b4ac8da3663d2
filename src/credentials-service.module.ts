import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { VaultCoreModule } from './core/vault-core.module';
import { ASYNC_OPTIONS_TYPE, OPTIONS_TYPE } from './core/vault-options.module-definition';
import { CredentialTypesModule } from './credential-types/credential-types.module';
import { CredentialsModule } from './credentials/credentials.module';
import { KeyCustodyModule } from './keys/key-custody.module';
import { SessionModule } from './session/session.module';
import { UsersModule } from './users/users.module';
import { WorkspaceModule } from './workspace/workspace.module';

const FEATURES = [
  AuthModule,
  CredentialsModule,
  CredentialTypesModule,
  UsersModule,
  WorkspaceModule,
  SessionModule,
];

/**
 * The credential vault as one module: the Flowise-compatible credentials API behind its own
 * bearer-token guard, with identity and key custody. The host provides a TypeORM DataSource
 * holding `CREDENTIALS_ENTITIES` and running `CREDENTIALS_MIGRATIONS` (or sets `migrate`), and
 * chooses the route prefix.
 */
@Module({})
export class CredentialsServiceModule {
  static forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return CredentialsServiceModule.compose(VaultCoreModule.forRoot(options));
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return CredentialsServiceModule.compose(VaultCoreModule.forRootAsync(options));
  }

  private static compose(core: DynamicModule): DynamicModule {
    return {
      module: CredentialsServiceModule,
      imports: [core, KeyCustodyModule.forRoot(CredentialsModule), ...FEATURES],
      exports: [CredentialsModule, CredentialTypesModule],
    };
  }
}
