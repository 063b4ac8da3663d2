import CryptoJS from 'crypto-js';
import { randomBytes, randomUUID } from 'node:crypto';
import * as sqlite3 from 'sqlite3';

/** A credential as Flowise holds it, before encryption. */
export interface FlowiseCredential {
  id: string;
  name: string;
  credentialName: string;
  plainDataObj: Record<string, string | number | boolean>;
  workspaceId: string | null;
  createdDate: Date;
  updatedDate: Date;
}

/** Exactly Flowise's `encryptCredentialData`: crypto-js AES with a string passphrase. */
export function flowiseEncrypt(data: object, passphrase: string): string {
  return CryptoJS.AES.encrypt(JSON.stringify(data), passphrase).toString();
}

export function flowiseCredential(overrides: Partial<FlowiseCredential> = {}): FlowiseCredential {
  const secret = `sk-flowise-${randomBytes(8).toString('hex')}`;
  return {
    id: randomUUID(),
    name: 'OpenAI',
    credentialName: 'openAIApi',
    plainDataObj: { openAIApiKey: secret },
    workspaceId: 'fw-ws-a',
    createdDate: new Date('2024-03-01T10:20:30.123Z'),
    updatedDate: new Date('2024-04-02T11:22:33.456Z'),
    ...overrides,
  };
}

/**
 * Several types over two Flowise workspaces, and one row that fails the type check (an OpenAI
 * credential with its key under a field name the type does not have).
 */
export function flowiseSample(): FlowiseCredential[] {
  const token = () => randomBytes(8).toString('hex');
  return [
    flowiseCredential({ name: 'OpenAI prod' }),
    flowiseCredential({
      name: 'Anthropic',
      credentialName: 'anthropicApi',
      plainDataObj: { anthropicApiKey: `sk-ant-${token()}` },
    }),
    flowiseCredential({
      name: 'Pinecone',
      credentialName: 'pineconeApi',
      plainDataObj: { pineconeApiKey: `pc-${token()}` },
      workspaceId: 'fw-ws-b',
    }),
    flowiseCredential({
      name: 'Postgres',
      credentialName: 'PostgresApi',
      plainDataObj: { user: 'flowise', password: `pw-${token()}` },
      workspaceId: 'fw-ws-b',
    }),
    flowiseCredential({
      name: 'Legacy OpenAI',
      plainDataObj: { apiKey: `sk-legacy-${token()}` },
      workspaceId: 'fw-ws-b',
    }),
  ];
}

export const FAILS_TYPE_CHECK = 'Legacy OpenAI';

/** The SQL of a Flowise `credential` table and its inserts, per database. */
const TABLES = {
  sqlite:
    'CREATE TABLE "credential" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar NOT NULL, ' +
    '"credentialName" varchar NOT NULL, "encryptedData" text NOT NULL, "createdDate" datetime ' +
    'NOT NULL DEFAULT (datetime(\'now\')), "updatedDate" datetime NOT NULL DEFAULT ' +
    '(datetime(\'now\')), "workspaceId" text)',
  postgres:
    'CREATE TABLE "credential" ("id" uuid NOT NULL, "name" varchar NOT NULL, "credentialName" ' +
    'varchar NOT NULL, "encryptedData" text NOT NULL, "createdDate" timestamp NOT NULL DEFAULT ' +
    'now(), "updatedDate" timestamp NOT NULL DEFAULT now(), "workspaceId" text, PRIMARY KEY ("id"))',
  mysql:
    'CREATE TABLE `credential` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, ' +
    '`credentialName` varchar(255) NOT NULL, `encryptedData` text NOT NULL, `createdDate` ' +
    'datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedDate` datetime(6) NOT NULL ' +
    'DEFAULT CURRENT_TIMESTAMP(6), `workspaceId` varchar(255), PRIMARY KEY (`id`))',
};

function values(credential: FlowiseCredential, passphrase: string): unknown[] {
  return [
    credential.id,
    credential.name,
    credential.credentialName,
    flowiseEncrypt(credential.plainDataObj, passphrase),
    credential.createdDate,
    credential.updatedDate,
    credential.workspaceId,
  ];
}

/** TypeORM's SQLite text for a date: UTC without a zone, as Flowise's rows hold it. */
const sqliteDate = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

/** Creates (or adds to) a Flowise-shaped SQLite database. */
export async function writeFlowiseSqlite(
  file: string,
  credentials: readonly FlowiseCredential[],
  passphrase: string,
): Promise<void> {
  const db = new sqlite3.Database(file);
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((done, fail) =>
      db.run(sql, params, (error) => (error ? fail(error) : done())),
    );
  try {
    await run(TABLES.sqlite.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'));
    await run('BEGIN');
    for (const credential of credentials) {
      const row = values(credential, passphrase);
      row[4] = sqliteDate(credential.createdDate);
      row[5] = sqliteDate(credential.updatedDate);
      await run(
        'INSERT INTO credential (id, name, credentialName, encryptedData, createdDate, ' +
          'updatedDate, workspaceId) VALUES (?, ?, ?, ?, ?, ?, ?)',
        row,
      );
    }
    await run('COMMIT');
  } finally {
    await new Promise((done) => db.close(done));
  }
}

/** A fresh database on the server of `url` with a Flowise `credential` table; drop it after. */
export async function createFlowisePostgres(
  url: string,
  credentials: readonly FlowiseCredential[],
  passphrase: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const { Client } = await import('pg');
  const name = `flowise_import_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(TABLES.postgres);
    for (const credential of credentials) {
      await client.query(
        'INSERT INTO credential (id, name, "credentialName", "encryptedData", "createdDate", ' +
          '"updatedDate", "workspaceId") VALUES ($1, $2, $3, $4, $5, $6, $7)',
        values(credential, passphrase),
      );
    }
  } finally {
    await client.end();
  }
  return {
    url: target.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The same on MySQL or MariaDB. */
export async function createFlowiseMysql(
  url: string,
  credentials: readonly FlowiseCredential[],
  passphrase: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const mysql = await import('mysql2/promise');
  const name = `flowise_import_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(url);
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const connection = await mysql.createConnection(target.toString());
  try {
    await connection.query(TABLES.mysql);
    for (const credential of credentials) {
      await connection.query(
        'INSERT INTO credential (id, name, credentialName, encryptedData, createdDate, ' +
          'updatedDate, workspaceId) VALUES (?, ?, ?, ?, ?, ?, ?)',
        values(credential, passphrase),
      );
    }
  } finally {
    await connection.end();
  }
  return {
    url: target.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
