import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { CredentialsServiceModule } from '../credentials-service.module';
import { typeOrmOn } from '../database/typeorm-on.module';
import { FlowiseImportModule } from '../flowise-import/flowise-import.module';
import { standaloneOptions } from '../standalone-options';
import { UsersModule } from '../users/users.module';
import { WorkspaceModule } from '../workspace/workspace.module';
import { AuditModule } from '../audit/audit.module';
import { AuditExportCommand } from './audit-export.command';
import { AuditVerifyCommand } from './audit-verify.command';
import { BackupCommand } from './backup.command';
import { DbCopyCommand } from './db-copy.command';
import { ExportCommand } from './export.command';
import { ImportCommand } from './import.command';
import { ImportFlowiseCommand } from './import-flowise.command';
import { KeysRetireCommand } from './keys-retire.command';
import { KeysRotateDataCommand } from './keys-rotate-data.command';
import { KeysRotateMasterCommand } from './keys-rotate-master.command';
import { KeysStatusCommand } from './keys-status.command';
import { KeysVerifyCommand } from './keys-verify.command';
import { UserCreateCommand } from './user-create.command';

/**
 * The operator CLI (`npm run cli -- <command>`): the server's own modules, options and start-up
 * checks, without HTTP. Each command is a nest-commander `CommandRunner` that injects the
 * services it needs.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CliModule,
      imports: [
        typeOrmOn(dataSource),
        // Retention runs in the server; a command must not prune as a side effect of starting.
        CredentialsServiceModule.forRoot({
          ...standaloneOptions(config),
          auditRetentionDays: undefined,
        }),
        // Already part of the vault; imported to reach their services.
        UsersModule,
        WorkspaceModule,
        FlowiseImportModule,
        AuditModule,
      ],
      providers: [
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
        DbCopyCommand,
        AuditVerifyCommand,
        AuditExportCommand,
      ],
    };
  }
}
