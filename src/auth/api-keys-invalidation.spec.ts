import { expect } from 'expect';
import { describe, it } from 'node:test';
import { EntityManager, Repository } from 'typeorm';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import { InvalidationBus } from '../core/invalidation-bus';
import { CredentialsServiceOptions } from '../core/vault-options';
import { WorkspaceLifecycle } from '../core/workspace-lifecycle';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';

/** A one-row table that counts its lookups. */
function fakeKeys() {
  const table = { rows: [] as ApiKeyEntity[], lookups: 0 };
  const repository = {
    insert: (row: ApiKeyEntity) => Promise.resolve(void table.rows.push(row)),
    findOneBy: ({ keyHash }: { keyHash: string }) => {
      table.lookups++;
      return Promise.resolve(table.rows.find((row) => row.keyHash === keyHash) ?? null);
    },
    update: () => Promise.resolve({ affected: 1 }),
  };
  return { table, repository: repository as unknown as Repository<ApiKeyEntity> };
}

/** Runs the audited work on the fake table (as its manager) and keeps the events. */
class InlineAudit extends AuditRecorder {
  readonly events: AuditEventInput[] = [];

  constructor(private readonly table: Repository<ApiKeyEntity>) {
    super();
  }

  record(event: AuditEventInput): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }

  recordDenied(): Promise<void> {
    return Promise.resolve();
  }

  async transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput | undefined,
  ): Promise<T> {
    const manager = {
      insert: (_entity: unknown, row: ApiKeyEntity) => this.table.insert(row),
      update: () => Promise.resolve({ affected: 1 }),
    };
    const result = await work(manager as unknown as EntityManager);
    const input = event(result);
    if (input) {
      this.events.push(input);
    }
    return result;
  }
}

async function setUp() {
  const { table, repository } = fakeKeys();
  const bus = new InvalidationBus();
  const options = { jwtSecret: Buffer.alloc(32, 7) } as CredentialsServiceOptions;
  const audit = new InlineAudit(repository);
  const service = new ApiKeysService(options, repository, new WorkspaceLifecycle(), bus, audit);
  service.onModuleInit();
  const { row, key } = await service.create('ws-1', 'u1', {
    name: 'ci',
    permissions: ['credentials:view'],
  });
  return { table, bus, service, row, key };
}

describe('ApiKeysService and the invalidation bus', () => {
  it('asks the database every time while the channel is down, and drops its cache when back', async () => {
    const { table, bus, service, key } = await setUp();
    await service.authenticate(key);
    await service.authenticate(key);
    expect(table.lookups).toBe(1);
    bus.setHealthy(false);
    await service.authenticate(key);
    await service.authenticate(key);
    expect(table.lookups).toBe(3);
    bus.setHealthy(true);
    table.rows = [];
    await expect(service.authenticate(key)).rejects.toThrow('Invalid API key');
  });

  it('forgets a key another replica revoked', async () => {
    const { table, bus, service, row, key } = await setUp();
    await service.authenticate(key);
    table.rows = [];
    bus.receive({ type: 'api-key-revoked', apiKeyId: row.id });
    await expect(service.authenticate(key)).rejects.toThrow('Invalid API key');
  });
});
