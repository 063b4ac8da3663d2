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
const MAX_PREPARED = 64;

const ofDataSource = new WeakMap<DataSource, SqliteStatements>();

/**
 * The hot statements on SQLite (a get, a list, the audited writes), prepared once per connection
 * and run again with new parameters, rather than through a TypeORM query runner per call.
 *
 * Why: node-sqlite3 runs `db.all(sql)` as three jobs on its thread pool (prepare, step, finalize),
 * each with its own callback into JS; a prepared statement is one job. Measured alone, 10 at a
 * time, 109 -> 46 µs of CPU per get-by-id SELECT. Calls on one statement queue in node-sqlite3 (the
 * connection runs one at a time anyway); SQLite re-prepares a statement by itself after a schema
 * change. A statement run to its end holds no lock or snapshot.
 *
 * Errors are TypeORM's `QueryFailedError`, as through a query runner, so every caller's checks
 * (busy, unique violation, refusals) and the redaction of parameters apply unchanged. The driver's
 * `disconnect` finalises the statements first: SQLite will not close a connection that has any.
 */
export class SqliteStatements {
  private readonly prepared = new Map<string, Promise<Statement>>();
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
  async all(sql: string, parameters: unknown[]): Promise<Row[]> {
    const connection = this.connected();
    const statement = await this.statementFor(connection, sql, parameters);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, rows?: Row[]): void =>
        error ? reject(new QueryFailedError(sql, parameters, error)) : resolve(rows ?? []);
      if (statement) {
        statement.all(parameters, done);
      } else {
        connection.all(sql, parameters, done);
      }
    });
  }

  /** Runs a write; the number of rows it changed. */
  async run(sql: string, parameters: unknown[]): Promise<number> {
    const connection = this.connected();
    const statement = await this.statementFor(connection, sql, parameters);
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

  /** The prepared statement for `sql`, or undefined to run it as a one-off (full, or closing). */
  private async statementFor(
    connection: Connection,
    sql: string,
    parameters: unknown[],
  ): Promise<Statement | undefined> {
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      if (this.closing || this.prepared.size >= MAX_PREPARED) {
        return undefined;
      }
      statement = new Promise<Statement>((resolve, reject) => {
        const prepared = connection.prepare(sql, (error) =>
          error ? reject(error) : resolve(prepared),
        );
      });
      this.prepared.set(sql, statement);
      // A statement that does not prepare is not kept; its error is the caller's.
      statement.catch(() => this.prepared.delete(sql));
    }
    try {
      return await statement;
    } catch (error) {
      throw new QueryFailedError(sql, parameters, error as Error);
    }
  }

  private async finalizeAll(): Promise<void> {
    const statements = [...this.prepared.values()];
    this.prepared.clear();
    await Promise.all(
      statements.map((pending) =>
        pending.then(
          (statement) => new Promise<void>((resolve) => statement.finalize(() => resolve())),
          () => undefined,
        ),
      ),
    );
  }
}
