import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/config';
import { CredentialsServiceModule } from './credentials-service.module';
import { typeOrmOn } from './database/typeorm-on.module';
import { HealthModule } from './health/health.module';
import { standaloneOptions } from './standalone-options';

/** The standalone server: the vault on its own database, with health checks. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        typeOrmOn(dataSource),
        CredentialsServiceModule.forRoot(standaloneOptions(config)),
        HealthModule,
      ],
    };
  }
}
