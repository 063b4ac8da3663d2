import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { LessThan, LessThanOrEqual } from 'typeorm';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditContext } from '../core/audit-context';
import { AuditRecorder } from '../core/audit-recorder';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import type { CredentialsServiceOptions } from '../core/vault-options';
import { AuditChainEntity, CHAIN_ROW_ID } from './audit-chain.entity';
import { AuditChainHead } from './audit-chain-head';
import { AuditEventEntity } from './audit-event.entity';
import { AuditKey } from './audit-key';
import { positionSignature } from './audit-mac';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a running vault prunes; every replica may, the chain lock makes it run once. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export interface PruneResult {
  readonly events: number;
  readonly throughSeq: number;
}

/**
 * `auditRetentionDays`: events older than that are deleted, and the chain keeps a signed
 * checkpoint of where it was cut (the anchor: the last deleted event's position and MAC), so the
 * events that remain still verify and a deletion past the anchor is still caught. The pruning
 * itself is an event (`audit.pruned`) in the same transaction.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditTrail');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(VAULT_OPTIONS) private readonly options: CredentialsServiceOptions,
    private readonly key: AuditKey,
    private readonly head: AuditChainHead,
    private readonly recorder: AuditRecorder,
  ) {}

  onApplicationBootstrap(): void {
    const days = this.options.auditRetentionDays;
    if (days === undefined) {
      return;
    }
    const run = (): void => {
      this.pruneOlderThan(days).catch((error: unknown) =>
        this.logger.warn(`Audit retention could not prune: ${String(error)}`),
      );
    };
    run();
    this.timer = setInterval(run, RETENTION_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  pruneOlderThan(days: number, now = new Date()): Promise<PruneResult> {
    return this.pruneBefore(new Date(now.getTime() - days * DAY_MS));
  }

  /** Deletes the events before `cutoff` (in chain order) and moves the signed anchor to the cut. */
  async pruneBefore(cutoff: Date): Promise<PruneResult> {
    const key = await this.key.get();
    let result: PruneResult = { events: 0, throughSeq: 0 };
    await this.recorder.transaction(
      async (manager) => {
        await this.head.lock(manager);
        const [last] = await manager.find(AuditEventEntity, {
          where: { occurredAt: LessThan(cutoff.toISOString()) },
          order: { seq: 'DESC' },
          take: 1,
        });
        if (!last) {
          return;
        }
        const deleted = await manager.delete(AuditEventEntity, { seq: LessThanOrEqual(last.seq) });
        await manager.update(
          AuditChainEntity,
          { id: CHAIN_ROW_ID },
          {
            anchorSeq: last.seq,
            anchorMac: last.mac,
            anchorSignature: positionSignature(key, 'anchor', last.seq, last.mac),
          },
        );
        result = { events: deleted.affected ?? 0, throughSeq: last.seq };
      },
      () =>
        result.events > 0
          ? {
              action: AUDIT_ACTIONS.auditPruned,
              workspaceId: null,
              actor: AuditContext.actor(),
              target: { type: 'audit-trail' },
              outcome: 'success',
              details: {
                throughSeq: result.throughSeq,
                before: cutoff.toISOString(),
                events: result.events,
              },
            }
          : undefined,
    );
    return result;
  }
}
