import { ServiceUnavailableException } from '@nestjs/common';

/** 503 for work refused because a bounded queue is full; ServerStateErrorsFilter sends Retry-After. */
export class BusyException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
