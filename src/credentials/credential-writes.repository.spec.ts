import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import { AppConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { CredentialEntity } from './credential.entity';
import { CredentialWritesRepository } from './credential-writes.repository';

/**
 * The hand-built writes must store exactly what TypeORM's `insert`/`update` stored before them
 * (same column text, so reads, sorting and the counter triggers see no difference), and the
 * version conditions must hold.
 */
describe('CredentialWritesRepository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-writes-'));
  let dataSource: DataSource;
  let typeorm: Repository<CredentialEntity>;
  let writes: CredentialWritesRepository;
  let audit: RecordingAudit;
  const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  const row = (id: string, overrides: Partial<CredentialEntity> = {}): CredentialEntity => ({
    id,
    workspaceId: 'ws-a',
    name: 'Key',
    credentialName: 'openAIApi',
    encryptedData: 'v2.ciphertext',
    createdDate: date,
    updatedDate: date,
    version: 1,
    ...overrides,
  });
  const raw = (id: string) =>
    dataSource.query<Record<string, unknown>[]>('SELECT * FROM vault_credential WHERE id = ?', [
      id,
    ]);

  before(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ sqlitePath: join(dir, 'credentials.sqlite') } as AppConfig),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    typeorm = dataSource.getRepository(CredentialEntity);
    audit = new RecordingAudit(dataSource);
    writes = new CredentialWritesRepository(typeorm, audit);
  });
  after(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inserts the same stored row as TypeORM does', async () => {
    await typeorm.insert(row('00000000-0000-4000-8000-000000000001'));
    await writes.insert(row('00000000-0000-4000-8000-000000000002'), EVENT);
    const [theirs] = await raw('00000000-0000-4000-8000-000000000001');
    const [ours] = await raw('00000000-0000-4000-8000-000000000002');
    expect({ ...ours, id: undefined }).toEqual({ ...theirs, id: undefined });
    expect(ours.createdDate).toBe('2026-01-02 03:04:05.678');
  });

  it('fails a duplicate id with a unique violation', async () => {
    await expect(writes.insert(row('00000000-0000-4000-8000-000000000002'), EVENT)).rejects.toThrow(
      /UNIQUE/,
    );
  });

  it('replaces name, data, date and version only at the expected version', async () => {
    const id = '00000000-0000-4000-8000-000000000003';
    await writes.insert(row(id), EVENT);
    const later = new Date(date.getTime() + 1000);
    const next = row(id, { name: 'Renamed', encryptedData: 'v2.other', updatedDate: later });
    expect(await writes.replaceIfVersion({ ...next, version: 2 }, 1, EVENT)).toBe(true);
    expect(await writes.replaceIfVersion({ ...next, name: 'Lost', version: 2 }, 1, EVENT)).toBe(
      false,
    );
    expect(await typeorm.findOneBy({ id })).toEqual({ ...next, lastUsedAt: null, version: 2 });
    const other = { ...next, workspaceId: 'ws-b', version: 3 };
    expect(await writes.replaceIfVersion(other, 2, EVENT)).toBe(false);
  });

  it('deletes only at the expected version and in the workspace', async () => {
    const id = '00000000-0000-4000-8000-000000000004';
    await writes.insert(row(id, { version: 5 }), EVENT);
    expect(await writes.removeIfVersion('ws-a', id, 4, EVENT)).toBe(false);
    expect(await writes.removeIfVersion('ws-b', id, 5, EVENT)).toBe(false);
    expect(await writes.removeIfVersion('ws-a', id, 5, EVENT)).toBe(true);
    expect(await typeorm.findOneBy({ id })).toBeNull();
  });

  it('hands the audit trail one event per row written, none for a write that matched nothing', async () => {
    const id = '00000000-0000-4000-8000-000000000005';
    const before = audit.events.length;
    await writes.insert(row(id), EVENT);
    expect(await writes.removeIfVersion('ws-a', id, 9, EVENT)).toBe(false);
    expect(await writes.remove('ws-b', id, EVENT)).toBe(false);
    expect(await writes.remove('ws-a', id, EVENT)).toBe(true);
    expect(audit.events.length - before).toBe(2);
  });
});

const EVENT: AuditEventInput = {
  action: 'credential.test',
  workspaceId: 'ws-a',
  actor: { type: 'system', id: null },
  outcome: 'success',
};

/** Runs the write's transaction as the real recorder does and keeps the events it is handed. */
class RecordingAudit extends AuditRecorder {
  readonly events: AuditEventInput[] = [];

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  record(event: AuditEventInput): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }

  recordDenied(): Promise<void> {
    return Promise.resolve();
  }

  transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput | undefined,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const result = await work(manager);
      const input = event(result);
      if (input) {
        this.events.push(input);
      }
      return result;
    });
  }
}
