import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { hkdfSync, randomUUID } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { CredentialsServiceOptions } from '../core/vault-options';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A claim older than this is taken to be from a replica that died mid-request. */
const ABANDONED_CLAIM_MS = 60_000;
const PRUNE_EVERY_MS = 15 * 60_000;

/** One answer, as a replay repeats it. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface IdempotencyScope {
  workspaceId: string;
  key: string;
}

/** What to do with a request that carries a key. */
export type Claim =
  | { outcome: 'proceed'; claimId: string }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in-progress' }
  | { outcome: 'mismatch' };

/**
 * The idempotency keys of one workspace, in the database: the table's primary key (workspace,
 * key) decides which of two concurrent requests runs, on one replica or many.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  readonly fingerprintKey: Buffer;
  private readonly ttlMs: number;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @InjectVaultRepository(IdempotencyKeyEntity)
    private readonly keys: Repository<IdempotencyKeyEntity>,
  ) {
    this.ttlMs = (options.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000;
    this.fingerprintKey = Buffer.from(
      hkdfSync('sha256', options.jwtSecret, '', 'credential-vault idempotency fingerprint', 32),
    );
  }

  onModuleInit(): void {
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** Inserts the in-progress row, or says why another request's row stands in the way. */
  async claim(scope: IdempotencyScope, fingerprint: string): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = new Date();
      const claimId = randomUUID();
      try {
        await this.keys.insert({
          workspaceId: scope.workspaceId,
          idempotencyKey: scope.key,
          fingerprint,
          claimId,
          state: 'in-progress',
          responseStatus: null,
          responseBody: null,
          responseHeaders: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.ttlMs),
        });
        return { outcome: 'proceed', claimId };
      } catch (error) {
        if (!isUniqueViolation(error)) {
          throw error;
        }
      }
      const existing = await this.keys.findOneBy({
        workspaceId: scope.workspaceId,
        idempotencyKey: scope.key,
      });
      if (existing === null) {
        continue;
      }
      if (this.isStale(existing, now)) {
        await this.release(scope, existing.claimId);
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        return { outcome: 'mismatch' };
      }
      if (existing.state === 'in-progress') {
        return { outcome: 'in-progress' };
      }
      return { outcome: 'replay', response: storedResponseOf(existing) };
    }
    return { outcome: 'in-progress' };
  }

  /** Keeps the answer for replays. */
  async complete(scope: IdempotencyScope, claimId: string, response: StoredResponse) {
    await this.keys.update(
      { workspaceId: scope.workspaceId, idempotencyKey: scope.key, claimId },
      {
        state: 'done',
        responseStatus: response.status,
        responseBody: JSON.stringify(response.body ?? null),
        responseHeaders: JSON.stringify(response.headers),
      },
    );
  }

  /** Drops a claim (a failure that a retry may fix), but only the claim this request holds. */
  async release(scope: IdempotencyScope, claimId: string): Promise<void> {
    await this.keys.delete({ workspaceId: scope.workspaceId, idempotencyKey: scope.key, claimId });
  }

  /** Deletes expired keys; also run every 15 minutes. Returns how many went. */
  async prune(now = new Date()): Promise<number> {
    const result = await this.keys.delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }

  private isStale(row: IdempotencyKeyEntity, now: Date): boolean {
    return (
      row.expiresAt.getTime() <= now.getTime() ||
      (row.state === 'in-progress' && now.getTime() - row.createdAt.getTime() > ABANDONED_CLAIM_MS)
    );
  }
}

function storedResponseOf(row: IdempotencyKeyEntity): StoredResponse {
  return {
    status: row.responseStatus ?? 200,
    body: JSON.parse(row.responseBody ?? 'null') as unknown,
    headers: JSON.parse(row.responseHeaders ?? '{}') as Record<string, string>,
  };
}
