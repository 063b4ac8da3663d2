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

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Public: 200 `{status: "ok"}` when the database answers and writes can commit, 503
   * otherwise (also while the disk is full; reads are still served then).
   */
  @Get()
  @HealthCheck()
  checkHealth(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database'),
      async () => {
        const storage = this.indicators.check('storage');
        return (await isStorageWritable(this.dataSource))
          ? storage.up()
          : storage.down({ message: 'storage is full: writes cannot commit' });
      },
    ]);
  }
}
