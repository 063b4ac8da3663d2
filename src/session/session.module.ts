import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { vaultRepositories, vaultRepositoryToken } from '../core/vault-data-source';
import { Repository } from 'typeorm';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { OAuthTokenController } from './oauth-token.controller';
import { WorkspaceModule } from '../workspace/workspace.module';
import { AuthController } from './auth.controller';
import { AuthModule } from '../auth/auth.module';
import { LoginThrottleGuard } from './login-throttle.guard';
import { LOGIN_ATTEMPT_STORE, LoginThrottleService } from './login-throttle.service';
import { DatabaseLoginAttemptStore } from './database-login-attempt.store';
import { LoginAttemptEntity } from './login-attempt.entity';
import { RedisLoginAttemptStore } from './redis-login-attempt.store';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRemoval } from './refresh-tokens-removal';
import { SessionService } from './session.service';

/** Sign-in, refresh, logout, workspace switching and password changes (`/auth/*`). */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [VAULT_OPTIONS],
      useFactory: (options: CredentialsServiceOptions) => ({
        secret: options.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    AuditModule,
    AuthModule,
    UsersModule,
    WorkspaceModule,
  ],
  controllers: [AuthController, OAuthTokenController],
  providers: [
    ...vaultRepositories(RefreshTokenEntity, LoginAttemptEntity),
    SessionService,
    LoginThrottleService,
    LoginThrottleGuard,
    RefreshTokensRemoval,
    {
      // Shared by every replica: in Redis when there is one, else in the vault's database.
      provide: LOGIN_ATTEMPT_STORE,
      inject: [VAULT_OPTIONS, vaultRepositoryToken(LoginAttemptEntity)],
      useFactory: (options: CredentialsServiceOptions, rows: Repository<LoginAttemptEntity>) =>
        options.redisUrl !== undefined
          ? new RedisLoginAttemptStore(options.redisUrl)
          : new DatabaseLoginAttemptStore(rows),
    },
  ],
})
export class SessionModule {}
