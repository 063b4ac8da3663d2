import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/config';
import { CredentialsServiceModule } from './credentials-service.module';
import { OpenDatabase } from './database/open-database';
import { HealthModule } from './health/health.module';

/** The standalone server: our modules on the database `openDatabase` prepared. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => database.dataSource.options,
          dataSourceFactory: () => Promise.resolve(database.dataSource),
        }),
        CredentialsServiceModule.forRoot({
          encryptionKey: database.encryptionKey,
          jwtSecret: config.jwtSecret,
          accessTokenTtlSeconds: config.accessTokenTtlSeconds,
          refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
          apiKeySecret: config.apiKeySecret,
          initialAdmin: config.initialAdmin,
          externalIdp: config.externalIdp,
          loginThrottle: config.loginThrottle,
        }),
        HealthModule,
      ],
    };
  }
}
