import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectVaultRepository } from '../../core/vault-data-source';
import { Repository } from 'typeorm';
import { CredentialEntity } from '../credential.entity';

/** How long a reveal's time may wait in memory before it is written. */
export const LAST_USED_FLUSH_MS = 2000;

/**
 * `lastUsedAt` without a write per reveal: reveals only note the time in memory, and one batch
 * writes the newest time of each credential every couple of seconds (and at shutdown). A flow
 * runner that reveals one key thousands of times a minute costs one UPDATE per interval. Reads
 * in this process see the pending time at once; other replicas within the interval. A crash
 * loses at most one interval of times, which only makes them look older.
 */
@Injectable()
export class LastUsedRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('LastUsedRecorder');
  private pending = new Map<string, { workspaceId: string; at: Date }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectVaultRepository(CredentialEntity)
    private readonly credentials: Repository<CredentialEntity>,
  ) {}

  touch(workspaceId: string, credentialId: string, at = new Date()): void {
    this.pending.set(credentialId, { workspaceId, at });
    this.timer ??= setTimeout(() => void this.flush(), LAST_USED_FLUSH_MS).unref();
  }

  /** The time not yet written, for responses from this process. */
  pendingFor(credentialId: string): Date | undefined {
    return this.pending.get(credentialId)?.at;
  }

  /** Writes what is pending; the in-process API's `flushLastUsed()` and shutdown call it. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private async write(batch: Map<string, { workspaceId: string; at: Date }>): Promise<void> {
    if (batch.size === 0) {
      return;
    }
    try {
      const column = (name: keyof CredentialEntity): string =>
        this.credentials.manager.connection.driver.escape(name);
      await this.credentials.manager.transaction(async (manager) => {
        // In id order: replicas flushing at once lock shared rows in one order, not a deadlock.
        const byId = [...batch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        for (const [id, { workspaceId, at }] of byId) {
          // A deleted credential matches nothing; only ever moves the time forward.
          await manager
            .createQueryBuilder()
            .update(CredentialEntity)
            .set({
              lastUsedAt: at,
              // Otherwise TypeORM stamps @UpdateDateColumn: a use is not a change.
              updatedDate: () => column('updatedDate'),
            })
            .where(`${column('id')} = :id AND ${column('workspaceId')} = :workspaceId`, {
              id,
              workspaceId,
            })
            .andWhere(`(${column('lastUsedAt')} IS NULL OR ${column('lastUsedAt')} < :at)`, { at })
            .updateEntity(false)
            .execute();
        }
      });
    } catch (error) {
      // Best effort: a busy database must not fail the reveals that noted these times.
      this.logger.warn(`Could not record last use of ${batch.size} credentials: ${String(error)}`);
    }
  }
}
