import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { EncryptionProvider } from '../core/encryption.provider';
import { ShutdownState } from './shutdown-state';

/** What readiness checks besides the database ping: migrations, keys, shutdown. */
@Injectable()
export class ReadinessIndicators {
  // Once every migration is applied it stays so: later checks skip the query.
  private migrationsApplied = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
    // Present once key custody has started (the start fails without keys); absent in a host
    // that mounts the health module without the vault.
    @Optional() @Inject(EncryptionProvider) private readonly encryption?: EncryptionProvider,
  ) {}

  notShuttingDown(): HealthIndicatorResult {
    const indicator = this.indicators.check('shutdown');
    return this.shutdown.isShuttingDown
      ? indicator.down({ message: 'shutting down: draining requests' })
      : indicator.up();
  }

  keysLoaded(): HealthIndicatorResult {
    const indicator = this.indicators.check('keys');
    return this.encryption !== undefined
      ? indicator.up()
      : indicator.down({ message: 'no encryption keys' });
  }

  async migrationsUpToDate(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('migrations');
    if (!this.migrationsApplied) {
      const pending = await this.pendingMigrations();
      if (pending > 0) {
        return indicator.down({ message: `${pending} migration(s) pending`, pending });
      }
      this.migrationsApplied = true;
    }
    return indicator.up();
  }

  private async pendingMigrations(): Promise<number> {
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const applied = new Set(
      (
        await this.dataSource
          .createQueryBuilder()
          .select('name')
          .from(table, 'migration')
          .getRawMany<{ name: string }>()
      ).map((row) => row.name),
    );
    return this.dataSource.migrations.filter((migration) => !applied.has(migration.name ?? ''))
      .length;
  }
}
