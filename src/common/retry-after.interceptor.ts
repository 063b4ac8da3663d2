import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { BusyException } from './busy.exception';

interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/** Adds `Retry-After` to a BusyException's 503, so clients back off for the right time. */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof BusyException) {
          context
            .switchToHttp()
            .getResponse<HeaderWriter>()
            .header('Retry-After', String(error.retryAfterSeconds));
        }
        return throwError(() => error);
      }),
    );
  }
}
