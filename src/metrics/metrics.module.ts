import { DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DatabaseMetrics } from './database-metrics';
import { HttpRequestMetrics } from './http-request-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsOptions } from './metrics.options';
import { MetricsTokenGuard } from './metrics-token.guard';
import { PrometheusVaultTelemetry } from './prometheus-vault-telemetry';

/**
 * The standalone server's metrics: one prom-client registry per application (never prom-client's
 * process-wide default, so two apps in one process, as in the tests, keep their own counts),
 * with Node's process metrics, the vault's telemetry, HTTP and database timings, and
 * `GET /metrics` behind a bearer token. Without options it provides nothing: metrics are off.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions | undefined): DynamicModule {
    if (options === undefined) {
      return { module: MetricsModule };
    }
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: MetricsOptions, useValue: options },
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        PrometheusVaultTelemetry,
        HttpRequestMetrics,
        DatabaseMetrics,
        MetricsTokenGuard,
      ],
      exports: [PrometheusVaultTelemetry, HttpRequestMetrics],
    };
  }
}
