import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { backupDatabase } from '../database/backup';
import { KeyCustody } from '../keys/key-custody';
import { KeyOperationEvents } from '../keys/key-operation-events';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { VaultCommand } from './vault-command';
import { InjectVaultDataSource } from '../core/vault-data-source';

@Command({
  name: 'backup',
  description: 'A consistent online copy of the database (VACUUM INTO); keys are NOT included',
})
export class BackupCommand extends VaultCommand {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly custody: KeyCustody,
    private readonly events: KeyOperationEvents,
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
    if (this.dataSource.options.type === 'postgres') {
      throw new Error(
        'backup copies a SQLite database (VACUUM INTO) and does not apply to PostgreSQL: use ' +
          'pg_dump (e.g. pg_dump --format=custom --file vault.dump "$DATABASE_URL"), and back ' +
          `up the master keys (${this.custody.opened.source}) separately, kept apart from the dump.`,
      );
    }
    const bytes = await backupDatabase(this.dataSource, options.out);
    // Fail closed: a copy the audit trail cannot account for is not left behind.
    await this.events
      .record({
        action: AUDIT_ACTIONS.databaseBackedUp,
        workspaceId: null,
        target: { type: 'database' },
        details: { bytes },
      })
      .catch((error: unknown) => {
        rmSync(options.out, { force: true });
        throw error;
      });
    console.log(`Backed up the database to ${options.out} (${bytes} bytes).`);
    console.log(
      `It holds no key: back up the master keys (${this.custody.opened.source}) separately, ` +
        'and keep the two apart.',
    );
  }
}
