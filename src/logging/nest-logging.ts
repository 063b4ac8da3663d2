import { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, Params, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * Nest's own lines and every `new Logger(...)` of the vault, over the root pino logger. Built
 * before the application, so that a failed start is logged through pino too (Nest's buffered
 * logs would be flushed to its coloured console logger instead). nestjs-pino keeps one root
 * logger per process: the first application of a process sets where every later one's Nest
 * lines go.
 */
export function nestLogger(root: Logger): LoggerService {
  const params: Params = { pinoHttp: { logger: root } };
  return new NestPinoLogger(new PinoLogger(params), params);
}
