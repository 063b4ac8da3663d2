import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { OpenDatabase } from '../database/open-database';

/**
 * The operator CLI (`npm run cli -- <command>`): the same database, checks and services as the
 * server, without HTTP. Each command is a nest-commander `CommandRunner` listed in `commands`.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, database: OpenDatabase): DynamicModule {
    return {
      module: CliModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => database.dataSource.options,
          dataSourceFactory: () => Promise.resolve(database.dataSource),
        }),
      ],
      providers: [{ provide: 'APP_CONFIG', useValue: config }],
    };
  }
}
