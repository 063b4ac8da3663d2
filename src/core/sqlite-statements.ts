import { ConnectionIsNotSetError, DataSource, QueryFailedError } from 'typeorm';

type Row = Record<string, unknown>;

/** node-sqlite3's Statement, as far as used here. */
interface Statement {
  all(parameters: unknown[], callback: (error: Error | null, rows?: Row[]) => void): void;
  run(
    parameters: unknown[],
    callback: (this: { changes: number }, error: Error | null) => void,
  ): void;
  finalize(callback: () => void): void;
}

/** node-sqlite3's Database (TypeORM's `databaseConnection` on SQLite), as far as used here. */
interface Connection {
  prepare(sql: string, callback: (error: Error | null) => void): Statement;
  all(
    sql: string,
    parameters: unknown[],
    callback: (error: Error | null, rows?: Row[]) => void,
  ): void;
  run(
    sql: string,
    parameters: unknown[],
    callback: (this: { changes: number }, error: Error | null) => void,
  ): void;
}

interface SqliteDriver {
  databaseConnection: Connection | undefined;
  disconnect(): Promise<void>;
}

/** Statements kept prepared per connection; past that, the rest run as one-off statements. */
const MAX_PREPARED = 128;

/**
 * Copies of one statement that may run at once. A statement runs one call at a time, so with one
 * copy concurrent gets queued behind each other, each a round trip to the thread pool of its own:
 * 1.3x the CPU per get at 50 connections (measured). Node's thread pool has 4 threads.
 */
const COPIES_PER_SQL = 4;

/** One prepared copy of a statement and the calls it is running or has queued. */
interface Copy {
  readonly statement: Promise<Statement>;
  calls: number;
}

const ofDataSource = new WeakMap<DataSource, SqliteStatements>();

/**
 * The hot statements on SQLite (a get, a list, the audited writes), prepared once per connection
 * and run again with new parameters, rather than through a TypeORM query runner per call.
 *
 * Why: node-sqlite3 runs `db.all(sql)` as three jobs on its thread pool (prepare, step, finalize),
 * each with its own callback into JS; a prepared statement is one job. Measured alone, 10 at a
 * time, 109 -> 46 µs of CPU per get-by-id SELECT. Calls on one statement queue in node-sqlite3, so
 * a statement has up to COPIES_PER_SQL copies and a call takes an idle one; SQLite re-prepares a
 * statement by itself after a schema change. A statement run to its end holds no lock or snapshot.
 *
 * Errors are TypeORM's `QueryFailedError`, as through a query runner, so every caller's checks
 * (busy, unique violation, refusals) and the redaction of parameters apply unchanged. The driver's
 * `disconnect` finalises the statements first: SQLite will not close a connection that has any.
 */
export class SqliteStatements {
  private readonly prepared = new Map<string, Copy[]>();
  private connection: Connection | undefined;
  private closing = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly driver: SqliteDriver,
  ) {
    const disconnect = driver.disconnect.bind(driver);
    driver.disconnect = async () => {
      this.closing = true;
      try {
        await this.finalizeAll();
        await disconnect();
      } finally {
        this.closing = false;
      }
    };
  }

  /** The statements of this DataSource when it is on node-sqlite3, else undefined. */
  static of(dataSource: DataSource): SqliteStatements | undefined {
    if (dataSource.options.type !== 'sqlite') {
      return undefined;
    }
    let statements = ofDataSource.get(dataSource);
    if (statements === undefined) {
      statements = new SqliteStatements(dataSource, dataSource.driver as unknown as SqliteDriver);
      ofDataSource.set(dataSource, statements);
    }
    return statements;
  }

  /** The rows `sql` returns. */
  all(sql: string, parameters: unknown[]): Promise<Row[]> {
    return this.onStatement(sql, parameters, (statement, connection) => {
      return new Promise((resolve, reject) => {
        const done = (error: Error | null, rows?: Row[]): void =>
          error ? reject(new QueryFailedError(sql, parameters, error)) : resolve(rows ?? []);
        if (statement) {
          statement.all(parameters, done);
        } else {
          connection.all(sql, parameters, done);
        }
      });
    });
  }

  /** Runs a write; the number of rows it changed. */
  run(sql: string, parameters: unknown[]): Promise<number> {
    return this.onStatement(sql, parameters, (statement, connection) => {
      return new Promise((resolve, reject) => {
        const done = function (this: { changes: number }, error: Error | null): void {
          if (error) {
            reject(new QueryFailedError(sql, parameters, error));
          } else {
            resolve(this.changes);
          }
        };
        if (statement) {
          statement.run(parameters, done);
        } else {
          connection.run(sql, parameters, done);
        }
      });
    });
  }

  /**
   * Runs `execute` on a copy of `sql`'s statement (undefined: as a one-off), which counts as busy
   * until it is done.
   */
  private async onStatement<T>(
    sql: string,
    parameters: unknown[],
    execute: (statement: Statement | undefined, connection: Connection) => Promise<T>,
  ): Promise<T> {
    const connection = this.connected();
    const copy = this.copyFor(connection, sql);
    if (copy === undefined) {
      return execute(undefined, connection);
    }
    copy.calls += 1;
    try {
      let statement: Statement;
      try {
        statement = await copy.statement;
      } catch (error) {
        throw new QueryFailedError(sql, parameters, error as Error);
      }
      return await execute(statement, connection);
    } finally {
      copy.calls -= 1;
    }
  }

  private connected(): Connection {
    const connection = this.driver.databaseConnection;
    if (!this.dataSource.isInitialized || connection === undefined) {
      throw new ConnectionIsNotSetError('sqlite');
    }
    if (connection !== this.connection) {
      // A new connection (the DataSource initialised again): the old one's statements are gone.
      this.prepared.clear();
      this.connection = connection;
    }
    return connection;
  }

  /**
   * The copy of `sql`'s statement to run it on: an idle one, else a new one while there is room,
   * else the least busy. Undefined to run it as a one-off (no room at all, or closing).
   */
  private copyFor(connection: Connection, sql: string): Copy | undefined {
    const copies = this.prepared.get(sql) ?? [];
    let leastBusy: Copy | undefined;
    for (const copy of copies) {
      if (copy.calls === 0) {
        return copy;
      }
      if (leastBusy === undefined || copy.calls < leastBusy.calls) {
        leastBusy = copy;
      }
    }
    if (this.closing || copies.length >= COPIES_PER_SQL || this.preparedCount() >= MAX_PREPARED) {
      return leastBusy;
    }
    const statement = new Promise<Statement>((resolve, reject) => {
      const prepared = connection.prepare(sql, (error) =>
        error ? reject(error) : resolve(prepared),
      );
    });
    const copy: Copy = { statement, calls: 0 };
    copies.push(copy);
    this.prepared.set(sql, copies);
    // A statement that does not prepare is not kept; its error is the caller's.
    statement.catch(() => this.forget(sql, copy));
    return copy;
  }

  /** Copies kept, over every statement (counted only when a new copy is about to be made). */
  private preparedCount(): number {
    let count = 0;
    for (const copies of this.prepared.values()) {
      count += copies.length;
    }
    return count;
  }

  private forget(sql: string, copy: Copy): void {
    const copies = this.prepared.get(sql);
    const index = copies?.indexOf(copy) ?? -1;
    if (copies && index >= 0) {
      copies.splice(index, 1);
      if (copies.length === 0) {
        this.prepared.delete(sql);
      }
    }
  }

  private async finalizeAll(): Promise<void> {
    const copies = [...this.prepared.values()].flat();
    this.prepared.clear();
    await Promise.all(
      copies.map(({ statement }) =>
        statement.then(
          (statement) => new Promise<void>((resolve) => statement.finalize(() => resolve())),
          () => undefined,
        ),
      ),
    );
  }
}
