import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { corsOptions } from './cors-options';
import { createDataSource } from './database/data-source-options';
import { useBoundedJsonParser } from './http/bounded-json-parser';
import { registerHttpConventions } from './http/http-conventions';
import { answerRouterError } from './http/pathless-errors';
import { requestIdFor } from './http/request-id';
import { registerSecurityHeaders } from './http/security-headers';
import { setUpOpenApi } from './openapi';
import { VaultFastifyAdapter } from './vault-fastify.adapter';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** Nest's log levels; tests pass a capturing logger instead. */
  logger?: LogLevel[] | LoggerService | false;
  /** Called with the Fastify instance before routes exist, e.g. for a test's hooks. */
  configureFastify?(fastify: FastifyInstance): void;
}

/** Builds the standalone server (not listening yet): keys checked, database migrated, routes, docs. */
export async function createServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<NestFastifyApplication> {
  const dataSource = createDataSource(config);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, dataSource),
      new VaultFastifyAdapter({
        bodyLimit: BODY_LIMIT_BYTES,
        frameworkErrors: answerRouterError,
        genReqId: requestIdFor,
        requestIdHeader: false,
      }),
      { logger: options.logger ?? ['error', 'warn', 'log'], abortOnError: false },
    );
    app.setGlobalPrefix(API_PREFIX);
    // Before the HTTP conventions, so a preflight is answered by CORS, not as a 405.
    if (config.corsOrigins.length > 0) {
      app.enableCors(corsOptions(config.corsOrigins));
    }
    await registerSecurityHeaders(app);
    registerHttpConventions(app.getHttpAdapter().getInstance(), API_PREFIX);
    options.configureFastify?.(app.getHttpAdapter().getInstance());
    useBoundedJsonParser(app, BODY_LIMIT_BYTES);
    app.enableShutdownHooks();
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
