import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable, unavailableOr } from './database-unavailable';
import { isStorageFull } from './storage-full';
import { markStorageFull } from './storage-state';
import { InjectVaultDataSource } from '../core/vault-data-source';

export const INSUFFICIENT_STORAGE = 507;

/**
 * A write that failed for want of disk space is the server's state, not a bug: 507
 * Insufficient Storage (RFC 4918) says so, unlike a bare 500, and is safe to retry once space
 * is back. Readiness (`/health`) fails meanwhile; reads keep being served. Likewise a database
 * that cannot be reached (lost PostgreSQL connections) answers 503 with Retry-After.
 */
@Injectable()
export class StorageErrorsInterceptor implements NestInterceptor {
  constructor(@InjectVaultDataSource() private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (isDatabaseUnavailable(error)) {
          // A lost PostgreSQL connection: 503, not 500; the pool reconnects for the next request.
          return throwError(() => unavailableOr(context, error));
        }
        if (!isStorageFull(error)) {
          return throwError(() => error);
        }
        markStorageFull(this.dataSource);
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
      }),
    );
  }
}
