import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { isStorageFull } from './storage-full';
import { markStorageFull } from './storage-state';

export const INSUFFICIENT_STORAGE = 507;

/**
 * A write that failed for want of disk space is the server's state, not a bug: 507
 * Insufficient Storage (RFC 4918) says so, unlike a bare 500, and is safe to retry once space
 * is back. Readiness (`/health`) fails meanwhile; reads keep being served.
 */
@Injectable()
export class StorageErrorsInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
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
