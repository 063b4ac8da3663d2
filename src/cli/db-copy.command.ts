import { spawnSync } from 'node:child_process';
import { Command, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '../common/locked-migrations';
import { isPostgresUrl } from '../config/database-config';
import { loadConfig } from '../config/config';
import { copyDatabase, CopyRefusedError } from '../database/copy-database';
import { createDataSource } from '../database/data-source-options';
import { VaultCommand } from './vault-command';

@Command({
  name: 'db:copy',
  description:
    'Copy this vault (ciphertext as it is) into an empty PostgreSQL database, then check it',
})
export class DbCopyCommand extends VaultCommand {
  /** The source: the database this CLI opened, its keys already checked against it. */
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  @Option({
    flags: '--to <url>',
    description: 'The target: postgres://user:password@host:port/database (empty)',
    required: true,
  })
  parseTo(value: string): string {
    return value;
  }

  async run(_params: string[], options: { to: string }): Promise<void> {
    if (!isPostgresUrl(options.to)) {
      return this.refuse(
        'db:copy --to needs a postgres:// URL (the database to move the vault to)',
      );
    }
    if (this.dataSource.options.type === 'postgres') {
      return this.refuse(
        'This vault is on PostgreSQL already: move it with pg_dump and pg_restore instead.',
      );
    }
    // The target's settings as the server would read them (pool, TLS, DATABASE_CA_FILE).
    const target = createDataSource(loadConfig({ ...process.env, DATABASE_URL: options.to }));
    await target.initialize();
    try {
      await runMigrationsLocked(target);
      const counts = await copyDatabase(this.dataSource, target, (table) =>
        console.log(`Copying ${table}…`),
      );
      console.log('Rows per table (source → target):');
      for (const { table, source, target: copied } of counts) {
        const mark = source === copied ? '' : '   MISMATCH';
        console.log(`  ${table.padEnd(28)} ${source} → ${copied}${mark}`);
      }
      if (counts.some((count) => count.source !== count.target)) {
        return this.refuse('db:copy: the counts differ; run it again to finish the copy.');
      }
    } catch (error) {
      if (error instanceof CopyRefusedError) {
        return this.refuse(error.message);
      }
      throw error;
    } finally {
      await target.destroy();
    }
    this.verifyTarget(options.to);
  }

  /**
   * keys:verify on the target, in a process of its own opened on it with these same keys: every
   * row decrypts there, or the copy is reported as failed.
   */
  private verifyTarget(url: string): void {
    console.log('Verifying the target with keys:verify…');
    const verify = spawnSync(process.execPath, [process.argv[1], 'keys:verify'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (verify.status !== 0) {
      return this.refuse('db:copy: keys:verify failed on the target (see above).');
    }
    console.log(
      'db:copy: done. Point DATABASE_URL at the target, keep the same keys, and start the servers.',
    );
  }
}
