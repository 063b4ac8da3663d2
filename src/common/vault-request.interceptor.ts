import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { handleInAuditContext } from './audit-context.interceptor';
import { answerServerStateErrors } from './storage-errors.interceptor';
import { InjectVaultDataSource } from '../core/vault-data-source';

/**
 * The vault's audited controllers' one interceptor: AuditContextInterceptor's and
 * StorageErrorsInterceptor's work in a single layer. Nest wraps every interceptor in rxjs
 * observables of its own on every request, read or write; the three layers this replaces
 * cost 5-7 % of a get's CPU, and one instead saves 3-4 % (bench/compare-builds.js).
 */
@Injectable()
export class VaultRequestInterceptor implements NestInterceptor {
  constructor(@InjectVaultDataSource() private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return handleInAuditContext(context, next).pipe(
      answerServerStateErrors(context, this.dataSource),
    );
  }
}
