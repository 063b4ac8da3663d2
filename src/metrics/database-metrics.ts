import { Injectable, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type {
  AfterQueryEvent,
  BeforeQueryEvent,
  EntitySubscriberInterface,
  QueryRunner,
} from 'typeorm';

const STATEMENTS = ['select', 'insert', 'update', 'delete', 'other'] as const;
type Statement = (typeof STATEMENTS)[number];

/** From a tenth of a millisecond (an indexed SQLite read) to five seconds (a lock wait). */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** When this runner's current query started (a runner runs one query at a time). */
const STARTED = Symbol('vaultQueryStartedAt');
type TimedRunner = QueryRunner & { [STARTED]?: number };

/** `pg`'s own default, used when DATABASE_POOL_SIZE is not passed on. */
const PG_DEFAULT_POOL_SIZE = 10;

/** `pg`'s pool, as TypeORM's PostgreSQL driver holds it. */
interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * Every query of the server's DataSource, timed through TypeORM's query events (so the raw
 * write statements of `CredentialWritesRepository`, which run through a query runner, are
 * counted too), by statement kind only: never the SQL or its parameters. TypeORM's own
 * `executionTime` is whole milliseconds, too coarse for SQLite, so the start is taken here.
 * On PostgreSQL, the pool's connections are read at each scrape.
 */
@Injectable()
export class DatabaseMetrics implements EntitySubscriberInterface, OnModuleInit {
  private readonly durations: Record<Statement, Histogram.Internal<string>>;
  private readonly errors: Record<Statement, Counter.Internal>;

  constructor(
    registry: Registry,
    private readonly dataSource: DataSource,
  ) {
    const histogram = new Histogram({
      name: 'vault_db_query_duration_seconds',
      help: 'Database queries, by statement kind (select, insert, update, delete, other)',
      labelNames: ['statement'],
      buckets: BUCKETS,
      registers: [registry],
    });
    const counter = new Counter({
      name: 'vault_db_query_errors_total',
      help: 'Database queries that failed, by statement kind',
      labelNames: ['statement'],
      registers: [registry],
    });
    this.durations = {} as Record<Statement, Histogram.Internal<string>>;
    this.errors = {} as Record<Statement, Counter.Internal>;
    for (const statement of STATEMENTS) {
      this.durations[statement] = histogram.labels(statement);
      this.errors[statement] = counter.labels(statement);
      this.errors[statement].inc(0);
    }
    if (dataSource.options.type === 'postgres') {
      const max = dataSource.options.poolSize ?? PG_DEFAULT_POOL_SIZE;
      registerPoolGauges(registry, max, () => (dataSource.driver as { master?: PgPool }).master);
    }
  }

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  beforeQuery(event: BeforeQueryEvent<unknown>): void {
    (event.queryRunner as TimedRunner)[STARTED] = performance.now();
  }

  afterQuery(event: AfterQueryEvent<unknown>): void {
    const runner = event.queryRunner as TimedRunner;
    const started = runner[STARTED];
    const statement = statementOf(event.query);
    if (started !== undefined) {
      this.durations[statement].observe((performance.now() - started) / 1000);
      runner[STARTED] = undefined;
    }
    if (!event.success) {
      this.errors[statement].inc();
    }
  }
}

function statementOf(query: string): Statement {
  if (/^\s*select\b/i.test(query)) {
    return 'select';
  }
  if (/^\s*insert\b/i.test(query)) {
    return 'insert';
  }
  if (/^\s*update\b/i.test(query)) {
    return 'update';
  }
  return /^\s*delete\b/i.test(query) ? 'delete' : 'other';
}

function registerPoolGauges(registry: Registry, max: number, pool: () => PgPool | undefined): void {
  const gauge = (name: string, help: string, read: (pool: PgPool) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = pool();
        this.set(current === undefined ? 0 : read(current));
      },
    });
  };
  gauge('vault_db_pool_max_connections', 'The most connections the pool opens', () => max);
  gauge(
    'vault_db_pool_open_connections',
    'Connections the PostgreSQL pool holds',
    (p) => p.totalCount,
  );
  gauge('vault_db_pool_idle_connections', 'Pool connections not in use', (p) => p.idleCount);
  gauge(
    'vault_db_pool_waiting_requests',
    'Queries waiting for a free pool connection',
    (p) => p.waitingCount,
  );
}
