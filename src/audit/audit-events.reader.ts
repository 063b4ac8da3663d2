import { Injectable } from '@nestjs/common';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { InjectVaultRepository } from '../core/vault-data-source';
import { AuditEventEntity } from './audit-event.entity';

/** Which events to read; every field narrows the result. */
export interface AuditEventFilter {
  readonly action?: string;
  readonly actorType?: string;
  readonly actorId?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly outcome?: string;
  /** ISO 8601: events at or after. */
  readonly since?: string;
  /** ISO 8601: events before. */
  readonly until?: string;
}

export interface AuditEventPage {
  readonly events: AuditEventEntity[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  readonly nextCursor?: string;
}

/** Reads the trail: a workspace's events newest first, or everything oldest first for export. */
@Injectable()
export class AuditEventsReader {
  constructor(
    @InjectVaultRepository(AuditEventEntity)
    private readonly events: Repository<AuditEventEntity>,
  ) {}

  /** `cursor` is the `nextCursor` of the previous page: the seq below which to continue. */
  async page(
    workspaceId: string,
    filter: AuditEventFilter,
    limit: number,
    cursor?: number,
  ): Promise<AuditEventPage> {
    const query = this.filtered(filter).andWhere('event.workspaceId = :workspaceId', {
      workspaceId,
    });
    if (cursor !== undefined) {
      query.andWhere('event.seq < :cursor', { cursor });
    }
    const rows = await query
      .orderBy('event.seq', 'DESC')
      .take(limit + 1)
      .getMany();
    const events = rows.slice(0, limit);
    return rows.length > limit ? { events, nextCursor: String(events[limit - 1].seq) } : { events };
  }

  /** Every workspace's events in chain order, a page at a time (export, verification). */
  async *inOrder(filter: AuditEventFilter = {}, pageSize = 500): AsyncGenerator<AuditEventEntity> {
    let after = -1;
    for (;;) {
      const rows = await this.filtered(filter)
        .andWhere('event.seq > :after', { after })
        .orderBy('event.seq', 'ASC')
        .take(pageSize)
        .getMany();
      yield* rows;
      if (rows.length < pageSize) {
        return;
      }
      after = rows[rows.length - 1].seq;
    }
  }

  private filtered(filter: AuditEventFilter): SelectQueryBuilder<AuditEventEntity> {
    const query = this.events.createQueryBuilder('event').where('1 = 1');
    const equal = (column: keyof AuditEventEntity, value: string | undefined): void => {
      if (value !== undefined) {
        query.andWhere(`event.${column} = :${column}`, { [column]: value });
      }
    };
    equal('action', filter.action);
    equal('actorType', filter.actorType);
    equal('actorId', filter.actorId);
    equal('targetType', filter.targetType);
    equal('targetId', filter.targetId);
    equal('outcome', filter.outcome);
    if (filter.since !== undefined) {
      query.andWhere('event.occurredAt >= :since', { since: filter.since });
    }
    if (filter.until !== undefined) {
      query.andWhere('event.occurredAt < :until', { until: filter.until });
    }
    return query;
  }
}
