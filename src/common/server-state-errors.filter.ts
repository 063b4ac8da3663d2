import { ArgumentsHost, Catch, HttpException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusyException } from './busy.exception';
import { isDatabaseUnavailable } from './database-unavailable';
import { isStorageFull } from './storage-full';
import { markStorageFull } from './storage-state';
import { UnavailableAnswerFilter } from './unavailable-answer.filter';
import { InjectVaultDataSource } from '../core/vault-data-source';

const INSUFFICIENT_STORAGE = 507;

/**
 * Not a class of errors but a test for `@Catch`, which matches with `instanceof`: the errors that
 * are the server's state, not a bug. A full queue (BusyException), a database that cannot be
 * reached (lost PostgreSQL connections), a write that failed for want of disk space.
 */
export class ServerStateError {
  static [Symbol.hasInstance](error: unknown): boolean {
    return error instanceof BusyException || isDatabaseUnavailable(error) || isStorageFull(error);
  }
}

/**
 * The vault's controllers' answers to ServerStateError, on every route of theirs, guards and
 * pipes included:
 * - a full queue or a lost database: 503 with `Retry-After`, as the standalone server's global
 *   UnavailableAnswerFilter answers them (the pool reconnects by itself);
 * - a full disk: 507 Insufficient Storage (RFC 4918), unlike a bare 500, and safe to retry once
 *   space is back. Readiness (`/health`) fails meanwhile; reads keep being served.
 *
 * A filter rather than an interceptor: it costs nothing until an error is thrown, where an
 * interceptor wraps every request in rxjs observables (a fifth of a get's CPU, measured). It
 * matches only these errors, so every other error of our routes still reaches the host app's
 * own filters.
 */
@Catch(ServerStateError)
@Injectable()
export class ServerStateErrorsFilter extends UnavailableAnswerFilter {
  constructor(@InjectVaultDataSource() private readonly dataSource: DataSource) {
    super();
  }

  override catch(error: unknown, host: ArgumentsHost): void {
    if (!isStorageFull(error)) {
      super.catch(error, host);
      return;
    }
    markStorageFull(this.dataSource);
    super.catch(
      new HttpException(
        {
          statusCode: INSUFFICIENT_STORAGE,
          message: 'The server is out of storage: nothing was saved. Retry later.',
          error: 'Insufficient Storage',
        },
        INSUFFICIENT_STORAGE,
      ),
      host,
    );
  }
}
