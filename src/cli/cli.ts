import { CommandFactory } from 'nest-commander';
import { loadConfig } from '../config/config';
import { AuditContext } from '../core/audit-context';
import { createDataSource } from '../database/data-source-options';
import { CliModule } from './cli.module';
import { printMigrationStatus } from './db-migrations';
import { StderrLogger } from './stderr-logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config);
  if (process.argv[2] === 'db:migrations') {
    // Before the modules start: their start-up would run the pending migrations it reports.
    await printMigrationStatus(config, dataSource);
    return;
  }
  // Every audit event a command records names the CLI as its actor.
  const cli = { actor: { type: 'cli' as const, id: null } };
  await AuditContext.run(cli, () => runCommand(config, dataSource));
}

function runCommand(
  config: ReturnType<typeof loadConfig>,
  dataSource: ReturnType<typeof createDataSource>,
): Promise<void> {
  return CommandFactory.run(CliModule.forRoot(config, dataSource), {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    errorHandler: (error) => {
      if ((error as { code?: string }).code === 'commander.helpDisplayed') {
        process.exit(0);
      }
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
    // A command that throws (a refused rotation, an unknown key id) exits non-zero with its message.
    serviceErrorHandler: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
