import { DataSource, LessThan, MoreThan, MoreThanOrEqual, Repository } from 'typeorm';
import type { InvalidationEvent } from '../core/invalidation-bus';
import { InvalidationLogEntity } from './invalidation-log.entity';

export interface LoggedEvent {
  readonly id: number;
  readonly origin: string;
  readonly event: InvalidationEvent;
}

/** Rows read per poll; a backlog larger than this is read over the next polls. */
const PAGE = 500;

/** The `vault_invalidation` table: the durable side of the invalidation channel. */
export class InvalidationLog {
  private readonly rows: Repository<InvalidationLogEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(InvalidationLogEntity);
  }

  async append(origin: string, event: InvalidationEvent): Promise<LoggedEvent> {
    const result = await this.rows.insert({
      event: JSON.stringify(event),
      origin,
      createdAt: new Date(),
    });
    const id = Number((result.identifiers[0] as { id: number | string }).id);
    return { id, origin, event };
  }

  /** Events after `cursor`, oldest first. */
  async after(cursor: number): Promise<LoggedEvent[]> {
    const rows = await this.rows.find({
      where: { id: MoreThan(cursor) },
      order: { id: 'ASC' },
      take: PAGE,
    });
    return rows.map(toLogged);
  }

  /** Events of the last `windowMs`, oldest first (a replay at start). */
  async since(windowMs: number): Promise<LoggedEvent[]> {
    const rows = await this.rows.find({
      where: { createdAt: MoreThanOrEqual(new Date(Date.now() - windowMs)) },
      order: { id: 'ASC' },
    });
    return rows.map(toLogged);
  }

  async newestId(): Promise<number> {
    const [row] = await this.rows.find({ order: { id: 'DESC' }, take: 1 });
    return row?.id ?? 0;
  }

  async prune(olderThanMs: number): Promise<void> {
    await this.rows.delete({ createdAt: LessThan(new Date(Date.now() - olderThanMs)) });
  }
}

function toLogged(row: InvalidationLogEntity): LoggedEvent {
  return {
    id: Number(row.id),
    origin: row.origin,
    event: JSON.parse(row.event) as InvalidationEvent,
  };
}
