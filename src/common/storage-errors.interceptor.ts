import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { catchError, MonoTypeOperatorFunction, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { BusyException } from './busy.exception';
import { databaseUnavailable, isDatabaseUnavailable } from './database-unavailable';
import { isStorageFull } from './storage-full';
import { markStorageFull } from './storage-state';
import { InjectVaultDataSource } from '../core/vault-data-source';

export const INSUFFICIENT_STORAGE = 507;

interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/**
 * The errors that are the server's state, not a bug, as the answers that say so:
 * - a write that failed for want of disk space: 507 Insufficient Storage (RFC 4918), unlike a
 *   bare 500, and safe to retry once space is back. Readiness (`/health`) fails meanwhile;
 *   reads keep being served;
 * - a database that cannot be reached (lost PostgreSQL connections): 503 with Retry-After;
 * - work refused by a full queue (BusyException): its 503 gets the Retry-After it names.
 */
export function answerServerStateErrors<T>(
  context: ExecutionContext,
  dataSource: DataSource,
): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => {
    // A lost database is a busy moment too: the pool reconnects for the next request.
    const answer = isDatabaseUnavailable(error) ? databaseUnavailable() : error;
    if (answer instanceof BusyException) {
      context
        .switchToHttp()
        .getResponse<HeaderWriter>()
        .header('Retry-After', String(answer.retryAfterSeconds));
      return throwError(() => answer);
    }
    if (!isStorageFull(error)) {
      return throwError(() => error);
    }
    markStorageFull(dataSource);
    return throwError(
      () =>
        new HttpException(
          {
            statusCode: INSUFFICIENT_STORAGE,
            message: 'The server is out of storage: nothing was saved. Retry later.',
            error: 'Insufficient Storage',
          },
          INSUFFICIENT_STORAGE,
        ),
    );
  });
}

/** answerServerStateErrors for the controllers that record no audit event. */
@Injectable()
export class StorageErrorsInterceptor implements NestInterceptor {
  constructor(@InjectVaultDataSource() private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(answerServerStateErrors(context, this.dataSource));
  }
}
