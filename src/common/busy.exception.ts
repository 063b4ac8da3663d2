import { ServiceUnavailableException } from '@nestjs/common';

/** 503 for work refused because a bounded queue is full; `RetryAfterInterceptor` sends the header. */
export class BusyException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
