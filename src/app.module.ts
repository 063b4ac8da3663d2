import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/config';
import { CredentialsServiceModule } from './credentials-service.module';
import { OpenDatabase } from './database/open-database';
import { preparedTypeOrmModule } from './database/prepared-typeorm.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { standaloneOptions } from './standalone-options';

/** The standalone server: our modules on the database `openDatabase` prepared. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: AppModule,
      imports: [
        preparedTypeOrmModule(database),
        CredentialsServiceModule.forRoot(standaloneOptions(config, database)),
        HealthModule,
        RateLimitModule.forRoot(config.rateLimit),
      ],
    };
  }
}
