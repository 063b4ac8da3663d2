import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { corsOptions } from './cors-options';
import { createDataSource } from './database/data-source-options';
import { useBoundedJsonParser } from './http/bounded-json-parser';
import { registerHttpConventions } from './http/http-conventions';
import { answerWhileClosing } from './http/closing-answer';
import { answerRouterError } from './http/pathless-errors';
import { requestIdFor } from './http/request-id';
import { registerSecurityHeaders } from './http/security-headers';
import { nestLogger } from './logging/nest-logging';
import { logRequests } from './logging/request-log';
import { createRootLogger } from './logging/root-logger';
import { HttpRequestMetrics } from './metrics/http-request-metrics';
import { setUpOpenApi } from './openapi';
import { VaultFastifyAdapter } from './vault-fastify.adapter';

export const API_PREFIX = 'api/v1';
/** Prometheus' conventional scrape path, outside the API (see MetricsController). */
export const METRICS_PATH = 'metrics';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** Where the logs go: by default a logger on stdout as `config.log` says; tests capture them. */
  logger?: Logger;
  /** Called with the Fastify instance before routes exist, e.g. for a test's hooks. */
  configureFastify?(fastify: FastifyInstance): void;
}

/** Builds the standalone server (not listening yet): keys checked, database migrated, routes, docs. */
export async function createServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<NestFastifyApplication> {
  const dataSource = createDataSource(config);
  const rootLogger = options.logger ?? createRootLogger(config.log);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, dataSource),
      new VaultFastifyAdapter({
        bodyLimit: BODY_LIMIT_BYTES,
        frameworkErrors: answerRouterError,
        genReqId: requestIdFor,
        requestIdHeader: false,
        // Our own 503 while closing (answerWhileClosing), not Fastify's bare one.
        return503OnClosing: false,
      }),
      { logger: nestLogger(rootLogger), abortOnError: false },
    );
    app.setGlobalPrefix(API_PREFIX, {
      exclude: [{ path: METRICS_PATH, method: RequestMethod.GET }],
    });
    logRequests(app.getHttpAdapter().getInstance(), rootLogger);
    // Before the HTTP conventions, so a preflight is answered by CORS, not as a 405.
    if (config.corsOrigins.length > 0) {
      app.enableCors(corsOptions(config.corsOrigins));
    }
    await registerSecurityHeaders(app);
    answerWhileClosing(app.getHttpAdapter().getInstance());
    registerHttpConventions(app.getHttpAdapter().getInstance(), API_PREFIX);
    if (config.metrics) {
      app.get(HttpRequestMetrics).register(app.getHttpAdapter().getInstance());
    }
    options.configureFastify?.(app.getHttpAdapter().getInstance());
    useBoundedJsonParser(app, BODY_LIMIT_BYTES);
    setUpOpenApi(app, API_PREFIX);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } catch (error) {
    // A refused start (wrong key, bad configuration) must not leave the database open.
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    throw error;
  }
}
