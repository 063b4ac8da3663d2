import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { isStorageWritable } from '../common/storage-state';
import { ReadinessIndicators } from './readiness.indicators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessIndicators,
  ) {}

  /**
   * Public: 200 `{status: "ok"}` when the database answers and writes can commit, 503
   * otherwise (also while the disk is full; reads are still served then).
   */
  @Get()
  @HealthCheck()
  checkHealth(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { connection: this.dataSource }),
      async () => {
        const storage = this.indicators.check('storage');
        return (await isStorageWritable(this.dataSource))
          ? storage.up()
          : storage.down({ message: 'storage is full: writes cannot commit' });
      },
    ]);
  }

  /** Public liveness: 200 while the process runs and serves HTTP; it checks nothing else. */
  @Get('live')
  @HealthCheck()
  checkLiveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Public readiness: 200 when this replica may take traffic (the database answers, every
   * migration is applied, the keys are loaded); 503 otherwise, and from the moment a SIGTERM
   * starts the shutdown.
   */
  @Get('ready')
  @HealthCheck()
  checkReadiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.readiness.notShuttingDown(),
      () => this.database.pingCheck('database', { connection: this.dataSource }),
      () => this.readiness.migrationsUpToDate(),
      () => this.readiness.keysLoaded(),
    ]);
  }
}
