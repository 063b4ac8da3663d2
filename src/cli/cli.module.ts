import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { CredentialsCoreModule } from '../core/credentials-core.module';
import { OpenDatabase } from '../database/open-database';
import { preparedTypeOrmModule } from '../database/prepared-typeorm.module';
import { standaloneOptions } from '../standalone-options';
import { BackupCommand } from './backup.command';
import { ExportCommand } from './export.command';
import { ImportCommand } from './import.command';
import { ImportFlowiseCommand } from './import-flowise.command';
import { KeysRetireCommand } from './keys-retire.command';
import { KeysRotateDataCommand } from './keys-rotate-data.command';
import { KeysRotateMasterCommand } from './keys-rotate-master.command';
import { KeysStatusCommand } from './keys-status.command';
import { KeysVerifyCommand } from './keys-verify.command';
import { OPEN_DATABASE } from './open-database.token';
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
        // The identity commands use the same services, and so the same options, as the server.
        CredentialsCoreModule.forRoot(standaloneOptions(config, database)),
        UsersModule,
        WorkspaceModule,
      ],
      providers: [
        { provide: 'APP_CONFIG', useValue: config },
        { provide: OPEN_DATABASE, useValue: database },
        UserCreateCommand,
        KeysStatusCommand,
        KeysRotateMasterCommand,
        KeysRotateDataCommand,
        KeysRetireCommand,
        KeysVerifyCommand,
        ExportCommand,
        ImportCommand,
        ImportFlowiseCommand,
        BackupCommand,
      ],
    };
  }
}
