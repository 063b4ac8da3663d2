import { resolve } from 'node:path';
import { readMysqlCredentials } from './sources/mysql-source';
import { readPostgresCredentials } from './sources/postgres-source';
import { readSqliteCredentials } from './sources/sqlite-source';

/** One row of Flowise's `credential` table, still encrypted with Flowise's key. */
export interface FlowiseCredentialRow {
  readonly id: string;
  readonly name: string;
  readonly credentialName: string;
  readonly encryptedData: string;
  readonly createdDate: Date;
  readonly updatedDate: Date;
  /** Null in Flowise versions before workspaces, and in rows they left behind. */
  readonly workspaceId: string | null;
}

export interface FlowiseSourceRows {
  /** Where the rows came from, for messages: a URL never shows its password. */
  readonly source: string;
  readonly rows: FlowiseCredentialRow[];
  /** Rows that cannot be read as a credential (a missing column, an unparsable date). */
  readonly malformed: { id: string; problem: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads every credential row from a SQLite file, `postgres://…` or `mysql://…`. */
export async function readFlowiseSource(from: string): Promise<FlowiseSourceRows> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(from)?.[1].toLowerCase();
  let source: string;
  let read: () => Promise<Record<string, unknown>[]>;
  if (scheme === undefined) {
    source = resolve(from);
    read = () => readSqliteCredentials(source);
  } else if (scheme === 'postgres' || scheme === 'postgresql') {
    source = withoutPassword(from);
    read = () => readPostgresCredentials(from);
  } else if (scheme === 'mysql' || scheme === 'mariadb') {
    source = withoutPassword(from);
    read = () => readMysqlCredentials(from.replace(/^mariadb:/i, 'mysql:'));
  } else {
    throw new Error(`--from takes a SQLite file, postgres://… or mysql://…, not ${scheme}://`);
  }
  let raw: Record<string, unknown>[];
  try {
    raw = await read();
  } catch (error) {
    throw new Error(
      `Cannot read Flowise's credential table from ${source}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const rows: FlowiseCredentialRow[] = [];
  const malformed: FlowiseSourceRows['malformed'] = [];
  for (const record of raw) {
    const parsed = toCredentialRow(record);
    if (typeof parsed === 'string') {
      malformed.push({
        id: typeof record.id === 'string' ? record.id : '(no id)',
        problem: parsed,
      });
    } else {
      rows.push(parsed);
    }
  }
  return { source, rows, malformed };
}

/** The row, or what is wrong with it. */
function toCredentialRow(record: Record<string, unknown>): FlowiseCredentialRow | string {
  const { id, name, credentialName, encryptedData, workspaceId } = record;
  if (typeof id !== 'string' || !UUID.test(id)) {
    return 'id is not a UUID';
  }
  for (const [column, value] of Object.entries({ name, credentialName, encryptedData })) {
    if (typeof value !== 'string') {
      return `${column} is missing`;
    }
  }
  const createdDate = toDate(record.createdDate);
  const updatedDate = toDate(record.updatedDate);
  if (!createdDate || !updatedDate) {
    return 'createdDate or updatedDate is not a date';
  }
  return {
    id: id.toLowerCase(),
    name: name as string,
    credentialName: credentialName as string,
    encryptedData: encryptedData as string,
    createdDate,
    updatedDate,
    workspaceId: typeof workspaceId === 'string' && workspaceId !== '' ? workspaceId : null,
  };
}

/**
 * PostgreSQL and MySQL drivers return dates; SQLite returns TypeORM's text, which is UTC without
 * a zone (`2024-05-01 10:20:30.123`).
 */
function toDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value instanceof Date) {
    date = value;
  } else if (typeof value === 'string') {
    const utcText = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$/.test(value);
    date = new Date(utcText ? `${value.replace(' ', 'T')}Z` : value);
  } else if (typeof value === 'number') {
    date = new Date(value);
  }
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/[^@/]*@/, '://***@');
  }
}
