import type { Driver } from 'typeorm';

/** pg's type id of `timestamp without time zone`, the type of every date column here. */
const TIMESTAMP_OID = 1114;

/** PostgreSQL's ISO text of a `timestamp(3)`: the fraction loses its trailing zeros, or is gone. */
const PG_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?$/;

/** Most statements kept by name per connection; past that, the rest run unnamed. */
const MAX_NAMED_STATEMENTS = 32;

interface TypeParsers {
  getTypeParser(oid: number, format?: string): (text: string) => unknown;
}

interface PgPool {
  query(config: {
    text: string;
    values: unknown[];
    name?: string;
    types: TypeParsers;
  }): Promise<{ rows: Record<string, unknown>[] }>;
}

interface PgModule {
  types: TypeParsers;
}

/**
 * The hot reads on PostgreSQL, on `pg`'s pool itself rather than through a TypeORM query runner
 * per call, as named (prepared) statements, with dates read as ISO 8601 text.
 *
 * Why: on PostgreSQL, pg parses every `timestamp` into a `Date` (postgres-date: a regex, the
 * local offset) that the response prints back as text, and PostgreSQL parses and plans the same
 * SELECT again for every request. Profiled under `npm run bench -- --store postgres --profile`.
 *
 * Dates: the columns are `timestamp without time zone`, which pg reads as local time. When this
 * process runs in UTC (the deployments' norm) the text is ISO 8601 but for the `T` and the `Z`;
 * otherwise, or for any other form, the value goes through pg's own parser, as before.
 *
 * Errors are pg's own (not wrapped in TypeORM's QueryFailedError, which would carry the
 * parameters); a lost connection is still recognised as one (`isDatabaseUnavailable`).
 */
export class PostgresReads {
  private readonly names = new Map<string, string>();
  private readonly types: TypeParsers;

  private constructor(
    private readonly pool: PgPool,
    pg: PgModule,
  ) {
    const parseTimestamp = pg.types.getTypeParser(TIMESTAMP_OID, 'text');
    const toIso = processRunsInUtc()
      ? (text: string): string => isoFromUtcText(text) ?? isoOf(parseTimestamp(text))
      : (text: string): string => isoOf(parseTimestamp(text));
    this.types = {
      getTypeParser: (oid, format) =>
        oid === TIMESTAMP_OID && format !== 'binary' ? toIso : pg.types.getTypeParser(oid, format),
    };
  }

  /** The PostgreSQL reads for this driver, or undefined for any other database. */
  static of(driver: Driver): PostgresReads | undefined {
    if (driver.options.type !== 'postgres') {
      return undefined;
    }
    const { master, postgres } = driver as unknown as { master: PgPool; postgres: PgModule };
    return new PostgresReads(master, postgres);
  }

  async query(text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query({
      text,
      values,
      name: this.nameOf(text),
      types: this.types,
    });
    return result.rows;
  }

  /** Statements are few (get, list, a page, a filter per number of types); past the cap, unnamed. */
  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) {
      name = `vault_read_${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** `2026-11-30 21:05:08.12` -> `2026-11-30T21:05:08.120Z`, or undefined for any other form. */
export function isoFromUtcText(text: string): string | undefined {
  const match = PG_TIMESTAMP.exec(text);
  if (!match) {
    return undefined;
  }
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0')}Z`;
}

function isoOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** True when local time is UTC all year, so a `timestamp` read as local time is UTC. */
function processRunsInUtc(): boolean {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu'].includes(zone);
}
