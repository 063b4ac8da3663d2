import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import { ScopedAsyncContext } from './scoped-async-context';

const insideQueuedTransaction = new ScopedAsyncContext<true>();

/** A queued DataSource's (by its manager) queue: its last turn. */
interface Lane {
  tail: Promise<unknown>;
}
const lanes = new WeakMap<EntityManager, Lane>();
const beginsImmediately = new WeakSet<QueryRunner>();

/**
 * TypeORM's SQLite driver runs every query of a DataSource on one connection, so two
 * transactions started at once interleave on it: one's COMMIT ends the other's work, whose own
 * COMMIT then fails ("Transaction is not started"). On SQLite this queues the DataSource's
 * transactions in the process (SQLite runs one writer at a time anyway); a transaction started
 * from inside a queued one nests as before instead of waiting for itself.
 *
 * Each queued transaction also begins IMMEDIATE (see beginImmediately).
 */
export function queueSqliteTransactions(dataSource: DataSource): void {
  const type = dataSource.options.type;
  const manager = dataSource.manager;
  if ((type !== 'sqlite' && type !== 'better-sqlite3') || lanes.has(manager)) {
    return;
  }
  lanes.set(manager, { tail: Promise.resolve() });
  beginImmediately(dataSource.driver);
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (...args: unknown[]) => runQueued(dataSource, () => transaction(...args));
}

/**
 * Runs `work` alone in the DataSource's queue (at once where there is none, or inside a queued
 * transaction): a transaction, or a write that must not land inside another flow's open
 * transaction on the shared connection.
 */
export function runQueued<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const lane = lanes.get(dataSource.manager);
  if (lane === undefined || insideQueuedTransaction.current()) {
    return work();
  }
  const run = (): Promise<T> => insideQueuedTransaction.run(true, work);
  const result = lane.tail.then(run, run);
  lane.tail = result.catch(() => undefined);
  return result;
}

/** True inside a queued transaction: what runs there is part of it, and must not queue. */
export function inQueuedTransaction(): boolean {
  return insideQueuedTransaction.current() === true;
}

/**
 * A queued transaction takes SQLite's write lock at its BEGIN (waiting for it as busy_timeout
 * allows), not at its first write. A deferred one reads from a snapshot (its own reads, or a
 * poll of another service landing on the shared connection) and, once another process (the CLI,
 * a second server) has committed since, can never become the writer: SQLite fails it at once
 * with SQLITE_BUSY, whatever the busy timeout. The driver keeps one query runner for the whole
 * DataSource (a new one after a reconnect), and TypeORM begins every top-level transaction on it
 * with this statement.
 */
function beginImmediately(driver: Driver): void {
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    if (!beginsImmediately.has(runner)) {
      beginsImmediately.add(runner);
      const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => unknown;
      runner.query = ((sql: string, ...rest: unknown[]) =>
        query(
          sql === 'BEGIN TRANSACTION' && insideQueuedTransaction.current()
            ? 'BEGIN IMMEDIATE TRANSACTION'
            : sql,
          ...rest,
        )) as QueryRunner['query'];
    }
    return runner;
  };
}
