import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { DataSource } from 'typeorm';
import { corsOptions } from './cors-options';
import { dataSourceOptions } from './database/data-source-options';
import { setUpOpenApi } from './openapi';
import { VaultFastifyAdapter } from './vault-fastify.adapter';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** Nest's log levels; tests pass a capturing logger instead. */
  logger?: LogLevel[] | LoggerService | false;
}

/** Builds the standalone server (not listening yet): keys checked, database migrated, routes, docs. */
export async function createServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<NestFastifyApplication> {
  const dataSource = new DataSource(dataSourceOptions(config));
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, dataSource),
      new VaultFastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
      { logger: options.logger ?? ['error', 'warn', 'log'], abortOnError: false },
    );
    app.setGlobalPrefix(API_PREFIX);
    if (config.corsOrigins.length > 0) {
      app.enableCors(corsOptions(config.corsOrigins));
    }
    app.enableShutdownHooks();
    setUpOpenApi(app);
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
