import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MODULE_OPTIONS_TOKEN } from '../core/credentials-service.module-definition';
import { CredentialsServiceOptions } from '../core/credentials-service.options';
import { UsersModule } from '../users/users.module';
import { OAuthTokenController } from '../oauth-token/oauth-token.controller';
import { WorkspaceModule } from '../workspace/workspace.module';
import { AuthController } from './auth.controller';
import { AuthModule } from './auth.module';
import { LoginThrottleGuard } from './login-throttle.guard';
import { LoginThrottleService } from './login-throttle.service';
import { RefreshTokenEntity } from './refresh-token.entity';
import { SessionService } from './session.service';

/** Sign-in, refresh, logout, workspace switching and password changes (`/auth/*`). */
@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    JwtModule.registerAsync({
      inject: [MODULE_OPTIONS_TOKEN],
      useFactory: (options: CredentialsServiceOptions) => ({
        secret: options.jwtSecret,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    AuthModule,
    UsersModule,
    WorkspaceModule,
  ],
  controllers: [AuthController, OAuthTokenController],
  providers: [SessionService, LoginThrottleService, LoginThrottleGuard],
})
export class SessionModule {}
