import { ServiceUnavailableException } from '@nestjs/common';

/** 503 for work refused because a bounded queue is full; `answerServerStateErrors` sends Retry-After. */
export class BusyException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
