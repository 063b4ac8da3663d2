import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { CredentialsCoreModule } from '../core/credentials-core.module';
import { OpenDatabase } from '../database/open-database';
import { preparedTypeOrmModule } from '../database/prepared-typeorm.module';
import { UsersModule } from '../users/users.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { UserCreateCommand } from './user-create.command';

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
        preparedTypeOrmModule(database),
        CredentialsCoreModule.forRoot({
          encryptionKey: database.encryptionKey,
          jwtSecret: config.jwtSecret,
          initialAdmin: config.initialAdmin,
        }),
        UsersModule,
        WorkspaceModule,
      ],
      providers: [{ provide: 'APP_CONFIG', useValue: config }, UserCreateCommand],
    };
  }
}
