import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { UnavailableAnswerFilter } from './common/unavailable-answer.filter';
import { AppConfig } from './config/config';
import { CredentialsServiceModule } from './credentials-service.module';
import { typeOrmOn } from './database/typeorm-on.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { PrometheusVaultTelemetry } from './metrics/prometheus-vault-telemetry';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { standaloneOptions } from './standalone-options';

/** The standalone server: the vault on its own database, with health checks, rate limits and
 * metrics (its request lines are Fastify hooks, see logging/request-log.ts). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    const metrics = MetricsModule.forRoot(config.metrics);
    return {
      module: AppModule,
      imports: [
        typeOrmOn(dataSource),
        metrics,
        CredentialsServiceModule.forRootAsync({
          imports: [metrics],
          inject: [{ token: PrometheusVaultTelemetry, optional: true }],
          useFactory: (telemetry?: PrometheusVaultTelemetry) => ({
            ...standaloneOptions(config),
            ...(telemetry ? { telemetry } : {}),
          }),
        }),
        HealthModule,
        RateLimitModule.forRoot(config.rateLimit),
      ],
      // Every route's lost-database error is a 503 with Retry-After (health, guards included).
      providers: [{ provide: APP_FILTER, useClass: UnavailableAnswerFilter }],
    };
  }
}
