import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { SessionModule } from './session/session.module';
import { VaultCoreModule } from './core/vault-core.module';
import { ASYNC_OPTIONS_TYPE, OPTIONS_TYPE } from './core/vault-options.module-definition';
import { CredentialTypesModule } from './credential-types/credential-types.module';
import { CredentialsModule } from './credentials/credentials.module';
import { UsersModule } from './users/users.module';
import { WorkspaceModule } from './workspace/workspace.module';

/**
 * The credential vault as one module: the Flowise-compatible credentials API behind its own
 * bearer-token guard. The host provides a TypeORM DataSource holding `CREDENTIALS_ENTITIES`
 * and running `CREDENTIALS_MIGRATIONS`, and chooses the route prefix.
 */
@Module({
  imports: [
    AuthModule,
    CredentialsModule,
    CredentialTypesModule,
    UsersModule,
    WorkspaceModule,
    SessionModule,
  ],
  exports: [CredentialsModule, CredentialTypesModule],
})
export class CredentialsServiceModule {
  static forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return { module: CredentialsServiceModule, imports: [VaultCoreModule.forRoot(options)] };
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return {
      module: CredentialsServiceModule,
      imports: [VaultCoreModule.forRootAsync(options)],
    };
  }
}
