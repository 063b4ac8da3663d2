import { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, Params, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLogOptions } from './request-log';

export interface NestLogging {
  /** For `LoggerModule.forRoot`: the request lines and the request context of every line. */
  readonly params: Params;
  /** For `NestFactory.create`: Nest's own lines and every `new Logger(...)` of the vault. */
  readonly logger: LoggerService;
}

/**
 * Both halves over one pino logger. The Nest logger is built here, before the application,
 * so that a failed start is logged through pino too (Nest's buffered logs would be flushed to
 * its coloured console logger instead). nestjs-pino keeps one pino-http per process: the first
 * application of a process sets where every later one logs.
 */
export function nestLogging(root: Logger): NestLogging {
  const params: Params = { pinoHttp: requestLogOptions(root) };
  return { params, logger: new NestPinoLogger(new PinoLogger(params), params) };
}
