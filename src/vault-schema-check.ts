import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigError } from './core/errors';
import { CREDENTIALS_MIGRATIONS } from './database/schema';
import { InjectVaultDataSource } from './core/vault-data-source';

/** The counter's triggers, which only the migrations make (SQLite and PostgreSQL alike). */
const COUNTER_TRIGGERS = [
  'credential_count_insert',
  'credential_count_delete',
  'credential_count_move',
];
const SQLITE_DRIVERS = ['sqlite', 'better-sqlite3'];

/**
 * Refuses to serve a schema the vault's migrations did not make: a host's `synchronize` creates
 * the tables from the entities but not the triggers that keep `X-Total-Count`, so lists would
 * report wrong totals. Runs once at start, after key custody ran the migrations (`migrate`).
 */
@Injectable()
export class VaultSchemaCheck implements OnModuleInit {
  constructor(@InjectVaultDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const missing = await this.missingMigrations();
    if (missing.length > 0) {
      throw new ConfigError(
        `The credential vault's schema was not made by its migrations (not run: ` +
          `${missing.join(', ')}). Add CREDENTIALS_MIGRATIONS to the DataSource's migrations ` +
          'and run them (migrationsRun: true), or set the migrate option; synchronize cannot make ' +
          'what the vault needs (the credential counter).',
      );
    }
    const triggers = await this.missingTriggers();
    if (triggers.length > 0) {
      throw new ConfigError(
        `The credential vault's triggers ${triggers.join(', ')} are missing: synchronize ` +
          "probably rebuilt its tables. Turn synchronize off for the vault's DataSource and " +
          'restore the database, or revert and re-run the migration CreateCredentialCounts1764460800000.',
      );
    }
  }

  private async missingMigrations(): Promise<string[]> {
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const runner = this.dataSource.createQueryRunner();
    try {
      if (!(await runner.hasTable(table))) {
        return CREDENTIALS_MIGRATIONS.map((migration) => migration.name);
      }
      const rows: { name: string }[] = await this.dataSource
        .createQueryBuilder()
        .select('migrations.name', 'name')
        .from(table, 'migrations')
        .getRawMany();
      const ran = new Set(rows.map((row) => row.name));
      return CREDENTIALS_MIGRATIONS.map((migration) => migration.name).filter(
        (name) => !ran.has(name),
      );
    } finally {
      await runner.release();
    }
  }

  private async missingTriggers(): Promise<string[]> {
    const { type } = this.dataSource.options;
    const listing = SQLITE_DRIVERS.includes(type)
      ? "SELECT name FROM sqlite_master WHERE type = 'trigger'"
      : type === 'postgres'
        ? 'SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal'
        : undefined;
    if (listing === undefined) {
      return [];
    }
    const rows: { name: string }[] = await this.dataSource.query(listing);
    const present = new Set(rows.map((row) => row.name));
    return COUNTER_TRIGGERS.filter((name) => !present.has(name));
  }
}
