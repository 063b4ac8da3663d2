import { Module } from '@nestjs/common';
import { vaultRepositories } from '../core/vault-data-source';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/** The idempotency-key table's owner, and the interceptor routes opt into with `@Idempotent()`. */
@Module({
  providers: [
    ...vaultRepositories(IdempotencyKeyEntity),
    IdempotencyService,
    IdempotencyInterceptor,
  ],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
