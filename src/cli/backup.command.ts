import { Inject } from '@nestjs/common';
import { resolve } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { backupDatabase } from '../database/backup';
import { OpenDatabase } from '../database/open-database';
import { OPEN_DATABASE } from './open-database.token';

@Command({
  name: 'backup',
  description: 'A consistent online copy of the database (VACUUM INTO); keys are NOT included',
})
export class BackupCommand extends CommandRunner {
  constructor(@Inject(OPEN_DATABASE) private readonly database: OpenDatabase) {
    super();
  }

  @Option({
    flags: '--out <file>',
    description: 'The copy to write (must not exist)',
    required: true,
  })
  parseOut(value: string): string {
    return resolve(value);
  }

  async run(_params: string[], options: { out: string }): Promise<void> {
    const bytes = await backupDatabase(this.database.dataSource, options.out);
    console.log(`Backed up the database to ${options.out} (${bytes} bytes).`);
    console.log(
      `It holds no key: back up the master keys (${this.database.keySource}) separately, ` +
        'and keep the two apart.',
    );
  }
}
