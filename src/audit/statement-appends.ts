import { DataSource } from 'typeorm';
import { runAgainOnConflict } from '../common/database-errors';
import {
  AUDITED_CREDENTIAL_WRITE_VIEW,
  AUDITED_WRITE_CHANGE_COLUMNS,
  AUDITED_WRITE_EVENT_COLUMNS,
  AUDITED_WRITE_REFUSALS,
  refusedWith,
} from '../core/audited-write';
import { AuditEventInput } from '../core/audit-recorder';
import { SqliteStatements } from '../core/sqlite-statements';
import { inQueuedTransaction, runQueued } from '../core/sqlite-transaction-queue';
import { AuditChainEntity, CHAIN_ROW_ID } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditKey } from './audit-key';
import { eventMac, positionSignature } from './audit-mac';
import { toRow } from './audit-row';

type Head = Pick<AuditChainEntity, 'headSeq' | 'headMac'>;

/** A write the caller is to make in a transaction instead (see `append`). */
const IN_A_TRANSACTION = Symbol('in a transaction');
type Outcome = undefined | Error | typeof IN_A_TRANSACTION;

/** One write waiting for its statement: its change, its event (context already taken). */
interface Pending {
  readonly change: readonly unknown[];
  readonly row: Omit<AuditEventEntity, 'seq' | 'mac'>;
  readonly done: (outcome: Outcome) => void;
}

/** Writes per statement at most (29 values each, far below the limits on parameters). */
const MAX_BATCH = 32;

/** PostgreSQL: the types of the function's parameters (migrations 1764900000000, 1765000000000). */
const POSTGRES_TYPES: Record<
  (typeof AUDITED_WRITE_CHANGE_COLUMNS)[number] | (typeof AUDITED_WRITE_EVENT_COLUMNS)[number],
  string
> = {
  op: 'text',
  id: 'varchar',
  workspaceId: 'varchar',
  name: 'varchar',
  credentialName: 'varchar',
  encryptedData: 'text',
  createdDate: 'timestamp',
  updatedDate: 'timestamp',
  version: 'integer',
  expectedVersion: 'integer',
  seq: 'bigint',
  eventId: 'varchar',
  occurredAt: 'varchar',
  eventWorkspaceId: 'varchar',
  action: 'varchar',
  actorType: 'varchar',
  actorId: 'varchar',
  targetType: 'varchar',
  targetId: 'varchar',
  targetName: 'varchar',
  targetCredentialName: 'varchar',
  outcome: 'varchar',
  details: 'text',
  requestId: 'varchar',
  sourceAddress: 'varchar',
  userAgent: 'varchar',
  prevMac: 'varchar',
  mac: 'varchar',
  headSignature: 'varchar',
};
/** SQLite: sealings of one write alone before giving up on a head other processes keep moving. */
const SQLITE_SEAL_ATTEMPTS = 20;
/**
 * PostgreSQL: a cached head, then one read anew; if another replica moved it again, the write
 * goes through a transaction, whose row lock waits for the other replicas instead of racing them.
 */
const POSTGRES_SEAL_ATTEMPTS = 2;

/**
 * One-statement audited writes (see `core/audited-write.ts`). While one statement runs, the writes
 * that arrive wait, and go together in the next: a multi-row INSERT into the view whose trigger
 * makes each change and appends each event in order (SQLite), or the function called for each
 * row of a VALUES list (PostgreSQL), all or nothing. A write through the audit trail costs one
 * statement as it did without it, and concurrent writes share it and its commit.
 *
 * Each statement runs alone in the process's write queue. Its events are sealed against the head
 * kept in memory; the database refuses a link to a head another process (the CLI, another
 * replica) moved since, and the head is read again. When a statement of several writes is
 * refused (one write's conflict, a duplicate id), nothing of it was written, and each write runs
 * again alone, to succeed or fail on its own.
 */
export class StatementAppends {
  private head: Head | undefined;
  private readonly waiting: Pending[] = [];
  private flushing = false;
  private readonly sql = new Map<number, string>();
  private readonly postgres: boolean;
  /** On SQLite, the statements stay prepared (one per batch size). */
  private readonly sqlite: SqliteStatements | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly key: AuditKey,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
    this.sqlite = SqliteStatements.of(dataSource);
  }

  /** Forgets the head: an append by another path (a transaction) has moved it. */
  forgetHead(): void {
    this.head = undefined;
  }

  /**
   * Makes `change` (AUDITED_WRITE_CHANGE_COLUMNS' values) and appends `event` with it. False when
   * the caller is to make this write in a transaction instead (PostgreSQL, replicas racing).
   */
  append(event: AuditEventInput, change: readonly unknown[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      // The request's context (id, address, agent) is taken now, not when the statement runs.
      const row = toRow(event, '');
      const done = (outcome: Outcome) =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome !== IN_A_TRANSACTION);
      const pending = { change, row, done };
      if (inQueuedTransaction()) {
        // Part of the caller's transaction (which holds the queue): alone, and at once.
        void this.writeAlone(pending).then(done);
        return;
      }
      this.waiting.push(pending);
      this.flushSoon();
    });
  }

  private flushSoon(): void {
    if (this.flushing || this.waiting.length === 0) {
      return;
    }
    this.flushing = true;
    const batch = this.waiting.splice(0, MAX_BATCH);
    void runQueued(this.dataSource, () => this.write(batch))
      // `write` answers every write itself; should it ever throw, no request is left waiting.
      .catch((error: unknown) => batch.forEach((pending) => pending.done(error as Error)))
      .finally(() => {
        this.flushing = false;
        this.flushSoon();
      });
  }

  /** Runs the batch as one statement; when that is refused, each write alone. */
  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.run(batch);
      batch.forEach((pending) => pending.done(undefined));
      return;
    } catch (error) {
      if (batch.length === 1 && !refusedWith(error, AUDITED_WRITE_REFUSALS.headMoved)) {
        batch[0].done(error as Error);
        return;
      }
    }
    for (const pending of batch) {
      pending.done(await this.writeAlone(pending));
    }
  }

  /** The write's own outcome: undefined when written, else its error, or a transaction to use. */
  private async writeAlone(pending: Pending): Promise<Outcome> {
    const attempts = this.postgres ? POSTGRES_SEAL_ATTEMPTS : SQLITE_SEAL_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run([pending]);
        return undefined;
      } catch (error) {
        if (!refusedWith(error, AUDITED_WRITE_REFUSALS.headMoved)) {
          return error as Error;
        }
        if (attempt >= attempts) {
          return this.postgres ? IN_A_TRANSACTION : (error as Error);
        }
      }
    }
  }

  /** Seals the events as the next links and runs one statement; the head moves only if it ran. */
  private async run(batch: Pending[]): Promise<void> {
    const key = await this.key.get();
    await runAgainOnConflict(async () => {
      let { headSeq, headMac } = this.head ?? (await this.readHead());
      this.head = undefined;
      const values: unknown[] = [];
      for (const { change, row } of batch) {
        const linked = { ...row, prevMac: headMac };
        headSeq += 1;
        headMac = eventMac(key, linked);
        values.push(
          ...change,
          headSeq,
          linked.id,
          linked.occurredAt,
          linked.workspaceId,
          linked.action,
          linked.actorType,
          linked.actorId,
          linked.targetType,
          linked.targetId,
          linked.targetName,
          linked.targetCredentialName,
          linked.outcome,
          linked.details,
          linked.requestId,
          linked.sourceAddress,
          linked.userAgent,
          linked.prevMac,
          headMac,
          positionSignature(key, 'head', headSeq, headMac),
        );
      }
      const sql = this.statementFor(batch.length);
      await (this.sqlite ? this.sqlite.run(sql, values) : this.dataSource.query(sql, values));
      this.head = { headSeq, headMac };
    });
  }

  /**
   * `rows` writes in one statement, built once per size. SQLite: `INSERT INTO <view> (…) VALUES
   * (…), (…)`. PostgreSQL: the function called once per row of a VALUES list, which PostgreSQL
   * scans in order (the first row's casts type the columns, as the function's parameters).
   */
  private statementFor(rows: number): string {
    let sql = this.sql.get(rows);
    if (sql === undefined) {
      const { driver } = this.dataSource;
      const columns = [...AUDITED_WRITE_CHANGE_COLUMNS, ...AUDITED_WRITE_EVENT_COLUMNS];
      let index = 0;
      const values = (row: number) =>
        columns
          .map((column) => {
            const parameter = driver.createParameter('', index++);
            return this.postgres && row === 0
              ? `${parameter}::${POSTGRES_TYPES[column]}`
              : parameter;
          })
          .join(', ');
      const list = Array.from({ length: rows }, (_, row) => `(${values(row)})`).join(', ');
      const names = columns.map((column) => driver.escape(column)).join(', ');
      sql = this.postgres
        ? `SELECT sum(${AUDITED_CREDENTIAL_WRITE_VIEW}(${names})) FROM (VALUES ${list}) AS v(${names})`
        : `INSERT INTO ${driver.escape(AUDITED_CREDENTIAL_WRITE_VIEW)} (${names}) VALUES ${list}`;
      this.sql.set(rows, sql);
    }
    return sql;
  }

  private async readHead(): Promise<Head> {
    const head = await this.dataSource
      .getRepository(AuditChainEntity)
      .findOne({ select: ['headSeq', 'headMac'], where: { id: CHAIN_ROW_ID } });
    if (!head) {
      throw new Error('The audit chain has no state row (vault_audit_chain)');
    }
    return head;
  }
}
