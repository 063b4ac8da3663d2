import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { UsersModule } from '../users/users.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { AuthController } from './auth.controller';
import { AuthModule } from '../auth/auth.module';
import { LoginThrottleGuard } from './login-throttle.guard';
import { LoginThrottleService } from './login-throttle.service';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRemoval } from './refresh-tokens-removal';
import { SessionService } from './session.service';

/** Sign-in, refresh, logout, workspace switching and password changes (`/auth/*`). */
@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    JwtModule.registerAsync({
      inject: [VAULT_OPTIONS],
      useFactory: (options: CredentialsServiceOptions) => ({
        secret: options.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    AuthModule,
    UsersModule,
    WorkspaceModule,
  ],
  controllers: [AuthController],
  providers: [SessionService, LoginThrottleService, LoginThrottleGuard, RefreshTokensRemoval],
})
export class SessionModule {}
