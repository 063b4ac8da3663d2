import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BusyException } from './busy.exception';
import {
  databaseUnavailable,
  DATABASE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
} from './database-unavailable';

interface HeaderWriter {
  header(name: string, value: string): unknown;
  getHeader?(name: string): unknown;
}

/**
 * The last word on every error of every route, guards and interceptors included (the standalone
 * server registers it globally): a lost database is a 503 with `Retry-After`, never a 500, and
 * every 503 (a full queue, a failing readiness check, a lost database) tells the client when to
 * retry. Anything else goes to Nest's own handling, unchanged.
 *
 * The vault's controllers answer these errors with its subclass ServerStateErrorsFilter too,
 * which catches only them (and adds a full disk's 507), for apps that embed the vault without
 * this one.
 */
@Catch()
export class UnavailableAnswerFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const answer = isDatabaseUnavailable(exception) ? databaseUnavailable() : exception;
    if (host.getType() === 'http' && isServiceUnavailable(answer)) {
      const reply = host.switchToHttp().getResponse<HeaderWriter>();
      if (reply.getHeader?.('Retry-After') === undefined) {
        const seconds =
          answer instanceof BusyException ? answer.retryAfterSeconds : DATABASE_RETRY_AFTER_SECONDS;
        reply.header('Retry-After', String(seconds));
      }
    }
    super.catch(answer, host);
  }
}

function isServiceUnavailable(error: unknown): error is ServiceUnavailableException {
  return (
    error instanceof HttpException && error.getStatus() === Number(HttpStatus.SERVICE_UNAVAILABLE)
  );
}
