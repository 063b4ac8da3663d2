import { CommandFactory } from 'nest-commander';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { CliModule } from './cli.module';
import { StderrLogger } from './stderr-logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = new DataSource(dataSourceOptions(config));
  await CommandFactory.run(CliModule.forRoot(config, dataSource), {
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
