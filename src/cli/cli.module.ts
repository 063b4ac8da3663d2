import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { OpenDatabase } from '../database/open-database';
import { preparedTypeOrmModule } from '../database/prepared-typeorm.module';

/**
 * The operator CLI (`npm run cli -- <command>`): the same database, checks and services as the
 * server, without HTTP. Each command is a nest-commander `CommandRunner` listed in `commands`.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: CliModule,
      imports: [preparedTypeOrmModule(database)],
      providers: [{ provide: 'APP_CONFIG', useValue: config }],
    };
  }
}
