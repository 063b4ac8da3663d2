import { Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { Driver, Repository } from 'typeorm';
import { SqliteStatements } from '../core/sqlite-statements';
import { CredentialRowMapper } from './credential-row-mapper';
import { CredentialEntity } from './credential.entity';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { PostgresReads } from './postgres-reads';

export interface CredentialPage {
  credentials: CredentialResponseDto[];
  /** Set when the caller asked for a page. */
  total?: number;
}

export interface CredentialListOptions {
  credentialNames?: string[];
  /** With `limit`, one page (`offset` rows skipped) and the total; without, every row. */
  limit?: number;
  offset?: number;
}

/**
 * The hot reads (get one, list) as SQL built once from the entity metadata with the driver's own
 * quoting and placeholders, so it stays portable across the databases TypeORM supports.
 *
 * Why not `find`: per request it builds a query builder, re-derives and re-escapes the SQL and
 * runs the entity transformer, which together cost more CPU than the rest of a get (profiled with
 * `npm run bench -- --profile`). Rows still go through the driver's `prepareHydratedValue`, the
 * per-column conversion `find` applies, so the entities are the same.
 *
 * A list goes straight from rows to the response shape: parsing every stored date into a `Date`
 * only to print it back as ISO 8601 was a fifth of a 100-row list's CPU.
 */
@Injectable()
export class CredentialsRepository {
  private readonly driver: Driver;
  /** On PostgreSQL, the reads go to pg's pool directly (see PostgresReads). */
  private readonly postgres: PostgresReads | undefined;
  /** On SQLite, to prepared statements (see SqliteStatements). */
  private readonly sqlite: SqliteStatements | undefined;
  /** Rows to entities and responses, for these columns and this driver. */
  readonly rows: CredentialRowMapper;
  private readonly sql: {
    select: string;
    count: string;
    workspaceTotal: string;
    workspaceIs: string;
    credentialNameIn: string;
    order: string;
    findOne: string;
  };

  constructor(
    @InjectVaultRepository(CredentialEntity)
    private readonly credentials: Repository<CredentialEntity>,
  ) {
    const { metadata } = credentials;
    const driver = credentials.manager.connection.driver;
    const column = (property: keyof CredentialEntity): string =>
      driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName);
    const table = driver.escape(metadata.tableName);
    this.driver = driver;
    this.postgres = PostgresReads.of(driver);
    this.sqlite = SqliteStatements.of(credentials.manager.connection);
    this.rows = new CredentialRowMapper(metadata, driver);
    const select = `SELECT ${metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ')} FROM ${table}`;
    this.sql = {
      select,
      count: `SELECT COUNT(*) AS ${driver.escape('total')} FROM ${table}`,
      // Kept exact by triggers (migration CreateCredentialCounts1764460800000); no row means 0.
      workspaceTotal:
        `SELECT ${driver.escape('total')} FROM ${driver.escape('vault_credential_count')}` +
        ` WHERE ${driver.escape('workspaceId')} = ${driver.createParameter('workspaceId', 0)}`,
      workspaceIs: `${column('workspaceId')} = `,
      credentialNameIn: `${column('credentialName')} IN `,
      order: `ORDER BY ${column('createdDate')} DESC, ${column('id')} DESC`,
      findOne:
        `${select} WHERE ${column('id')} = ${driver.createParameter('id', 0)}` +
        ` AND ${column('workspaceId')} = ${driver.createParameter('workspaceId', 1)}`,
    };
  }

  async findOne(workspaceId: string, id: string): Promise<CredentialEntity | null> {
    const rows = await this.query(this.sql.findOne, [id, workspaceId]);
    return rows.length > 0 ? this.rows.entity(rows[0]) : null;
  }

  /** Newest first (ties broken by id, so pages are stable). */
  async list(workspaceId: string, options: CredentialListOptions): Promise<CredentialPage> {
    const parameters: unknown[] = [];
    const placeholder = (value: unknown): string => {
      parameters.push(value);
      return this.driver.createParameter(`p${parameters.length - 1}`, parameters.length - 1);
    };
    let where = `WHERE ${this.sql.workspaceIs}${placeholder(workspaceId)}`;
    const credentialNames = options.credentialNames ?? [];
    if (credentialNames.length > 0) {
      where += ` AND ${this.sql.credentialNameIn}(${credentialNames.map(placeholder).join(', ')})`;
    }
    if (options.limit === undefined) {
      const rows = await this.query(`${this.sql.select} ${where} ${this.sql.order}`, parameters);
      return { credentials: rows.map((row) => this.rows.response(row)) };
    }
    const whereParameters = [...parameters];
    const page = `LIMIT ${placeholder(options.limit)} OFFSET ${placeholder(options.offset ?? 0)}`;
    // The workspace's total is one key lookup; a filtered total still counts its matches.
    const [rows, counted] = await Promise.all([
      this.query(`${this.sql.select} ${where} ${this.sql.order} ${page}`, parameters),
      credentialNames.length > 0
        ? this.query(`${this.sql.count} ${where}`, whereParameters)
        : this.query(this.sql.workspaceTotal, [workspaceId]),
    ]);
    return {
      credentials: rows.map((row) => this.rows.response(row)),
      total: Number(counted[0]?.total ?? 0),
    };
  }

  private query(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    if (this.postgres) {
      return this.postgres.query(sql, parameters);
    }
    return this.sqlite ? this.sqlite.all(sql, parameters) : this.credentials.query(sql, parameters);
  }
}
