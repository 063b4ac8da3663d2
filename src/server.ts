import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { corsOptions } from './cors-options';
import { openDatabase } from './database/open-database';
import { setUpOpenApi } from './openapi';
import { VaultFastifyAdapter } from './vault-fastify.adapter';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** Nest's log levels; tests pass a capturing logger instead. */
  logger?: LogLevel[] | LoggerService | false;
}

/** Builds the standalone server (not listening yet): database checked and migrated, routes, docs. */
export async function createServer(
  config: AppConfig,
  options: ServerOptions = {},
): Promise<NestFastifyApplication> {
  const database = await openDatabase(config);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, database),
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
    if (database.dataSource.isInitialized) {
      await database.dataSource.destroy();
    }
    throw error;
  }
}
