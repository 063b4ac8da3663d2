import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AuditChainHead } from '../../src/audit/audit-chain-head';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { AuditEventsReader } from '../../src/audit/audit-events.reader';
import { AuditKey } from '../../src/audit/audit-key';
import { AuditVerification } from '../../src/audit/audit-verification';
import { ChainedAuditRecorder } from '../../src/audit/chained-audit.recorder';
import { AppConfig } from '../../src/config/config';
import { EncryptionProvider } from '../../src/core/encryption.provider';
import { queueSqliteTransactions } from '../../src/core/sqlite-transaction-queue';
import { SilentVaultTelemetry } from '../../src/core/vault-telemetry';
import { CredentialEntity } from '../../src/credentials/credential.entity';
import { CredentialWritesRepository } from '../../src/credentials/credential-writes.repository';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { postgresOptions } from '../../src/database/postgres-options';
import { createTestDatabase } from '../e2e/test-store';

/** Test-only: the MAC key's "ciphertext" is marked, not encrypted (this file is a temp dir). */
const encryption: EncryptionProvider = {
  encrypt: (plaintext) => Promise.resolve(`test:${plaintext}`),
  decrypt: (ciphertext) => Promise.resolve(ciphertext.slice('test:'.length)),
};

/** A database for two processes (or replicas) to share, and how to drop it. */
export interface Store {
  readonly options: DataSourceOptions;
  drop(): Promise<void>;
}

export function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'vault-statement-appends-'));
  return Promise.resolve({
    options: dataSourceOptions({ sqlitePath: join(dir, 'credentials.sqlite') } as AppConfig),
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
}

export async function postgresStore(): Promise<Store> {
  const database = await createTestDatabase();
  return {
    options: postgresOptions({ url: database.url, poolSize: 4 }),
    drop: () => database.drop(),
  };
}

/** The vault as one process sees it: its DataSource, audit recorder and credential writes. */
export async function openVault(options: DataSourceOptions) {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  await dataSource.runMigrations();
  queueSqliteTransactions(dataSource);
  const key = new AuditKey(dataSource, encryption);
  const recorder = new ChainedAuditRecorder(
    dataSource,
    key,
    new AuditChainHead(dataSource),
    new SilentVaultTelemetry(),
  );
  const credentials = dataSource.getRepository(CredentialEntity);
  const writes = new CredentialWritesRepository(credentials, recorder);
  const events = dataSource.getRepository(AuditEventEntity);
  const verification = new AuditVerification(dataSource, key, new AuditEventsReader(events));
  return { dataSource, recorder, credentials, writes, events, verification };
}
