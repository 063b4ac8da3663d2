import { resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { backupDatabase } from '../database/backup';
import { KeyCustody } from '../keys/key-custody';
import { VaultCommand } from './vault-command';

@Command({
  name: 'backup',
  description: 'A consistent online copy of the database (VACUUM INTO); keys are NOT included',
})
export class BackupCommand extends VaultCommand {
  constructor(
    private readonly dataSource: DataSource,
    private readonly custody: KeyCustody,
  ) {
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
    const bytes = await backupDatabase(this.dataSource, options.out);
    console.log(`Backed up the database to ${options.out} (${bytes} bytes).`);
    console.log(
      `It holds no key: back up the master keys (${this.custody.opened.source}) separately, ` +
        'and keep the two apart.',
    );
  }
}
