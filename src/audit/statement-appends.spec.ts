import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { AuditEventInput } from '../core/audit-recorder';
import { CredentialEntity } from '../credentials/credential.entity';
import { openVault, postgresStore, sqliteStore, Store } from '../../test/audit/audit-vault';
import { postgresOnly } from '../../test/e2e/test-store';

describe('Audited credential writes in one statement, on SQLite', () =>
  describeStatementAppends(sqliteStore));

describe(
  'Audited credential writes in one statement, on PostgreSQL (two replicas)',
  { skip: postgresOnly() },
  () => describeStatementAppends(postgresStore),
);

/**
 * One-statement audited writes, batched under concurrency: every change and its event land
 * together or not at all, each write gets its own answer, and the chain verifies, also when
 * another process (the CLI, another replica) appends in between.
 */
function describeStatementAppends(makeStore: () => Promise<Store>): void {
  let store: Store;
  let vault: Awaited<ReturnType<typeof openVault>>;
  let otherProcess: Awaited<ReturnType<typeof openVault>>;
  const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const row = (n: number, overrides: Partial<CredentialEntity> = {}): CredentialEntity => ({
    id: id(n),
    workspaceId: 'ws-a',
    name: `Key ${n}`,
    credentialName: 'openAIApi',
    encryptedData: `v2.ciphertext-${n}`,
    createdDate: date,
    updatedDate: date,
    version: 1,
    ...overrides,
  });
  const event = (action: string, n: number): AuditEventInput => ({
    action,
    workspaceId: 'ws-a',
    actor: { type: 'user', id: 'u-1' },
    target: { type: 'credential', id: id(n) },
    outcome: 'success',
  });
  const eventsFor = async (n: number) =>
    (await vault.events.find({ where: { targetId: id(n) }, order: { seq: 'ASC' } })).map(
      (stored) => stored.action,
    );

  before(async () => {
    store = await makeStore();
    vault = await openVault(store.options);
    otherProcess = await openVault(store.options);
  });
  after(async () => {
    await otherProcess.dataSource.destroy();
    await vault.dataSource.destroy();
    await store.drop();
  });

  it("is the path the vault's recorder takes", () => {
    expect(vault.recorder.appendWithChange).toBeDefined();
  });

  it('stores the same row as TypeORM does, with its event', async () => {
    await vault.credentials.insert(row(1));
    await vault.writes.insert(row(2), event('credential.created', 2));
    const [theirs, ours] = await Promise.all(
      [1, 2].map((n) => vault.credentials.findOneByOrFail({ id: id(n) })),
    );
    const same = (stored: CredentialEntity) => ({ ...stored, id: 0, name: 0, encryptedData: 0 });
    expect(same(ours)).toEqual(same(theirs));
    expect(await eventsFor(2)).toEqual(['credential.created']);
  });

  it('gives each of many concurrent writes its own answer, and appends only the ones that ran', async () => {
    const created = Array.from({ length: 40 }, (_, i) => 100 + i);
    await Promise.all(
      created.map((n) => vault.writes.insert(row(n), event('credential.created', n))),
    );
    const next = (n: number, name: string) => ({ ...row(n, { name }), version: 2 });
    const [inserts, replaces, removes] = await Promise.all([
      // A duplicate id among new ones: only it fails, with the unique violation.
      Promise.allSettled(
        [200, 100, 201].map((n) => vault.writes.insert(row(n), event('credential.created', n))),
      ),
      // Two writers at version 1 of one credential: one wins, the other is told it lost.
      Promise.all(
        ['first', 'second'].map((name) =>
          vault.writes.replaceIfVersion(next(101, name), 1, event('credential.updated', 101)),
        ),
      ),
      Promise.all([
        vault.writes.removeIfVersion('ws-a', id(102), 1, event('credential.deleted', 102)),
        vault.writes.removeIfVersion('ws-a', id(103), 7, event('credential.deleted', 103)),
        vault.writes.remove('ws-a', id(104), event('credential.deleted', 104)),
        vault.writes.remove('ws-b', id(105), event('credential.deleted', 105)),
      ]),
    ]);
    expect(inserts.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((inserts[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE|duplicate key/);
    expect(replaces.filter(Boolean)).toHaveLength(1);
    expect(removes).toEqual([true, false, true, false]);

    expect(await eventsFor(100)).toEqual(['credential.created']);
    expect(await eventsFor(101)).toEqual(['credential.created', 'credential.updated']);
    expect(await eventsFor(102)).toEqual(['credential.created', 'credential.deleted']);
    expect(await eventsFor(103)).toEqual(['credential.created']);
    expect(await eventsFor(105)).toEqual(['credential.created']);
    expect(await vault.credentials.countBy({ id: id(102) })).toBe(0);
    expect(await vault.credentials.countBy({ id: id(103) })).toBe(1);
    expect((await vault.verification.verify()).broken).toBeUndefined();
  });

  it('links to what another process appended in between, and the chain still verifies', async () => {
    await vault.writes.insert(row(300), event('credential.created', 300));
    await otherProcess.recorder.record({ ...event('keys.rotation.started', 0), target: undefined });
    await otherProcess.writes.insert(row(301), event('credential.created', 301));
    await Promise.all(
      [302, 303, 304].map((n) => vault.writes.insert(row(n), event('credential.created', n))),
    );
    const report = await vault.verification.verify();
    expect(report.broken).toBeUndefined();
    expect(report.headSeq).toBe(await vault.events.count());
    expect(await eventsFor(304)).toEqual(['credential.created']);
  });

  it('takes writes of two processes racing for the chain, each once, in one verified chain', async () => {
    const numbers = Array.from({ length: 30 }, (_, i) => 400 + i);
    await Promise.all(
      numbers.map((n) =>
        (n % 2 ? vault : otherProcess).writes.insert(row(n), event('credential.created', n)),
      ),
    );
    for (const n of numbers) {
      expect(await eventsFor(n)).toEqual(['credential.created']);
    }
    const report = await vault.verification.verify();
    expect(report.broken).toBeUndefined();
    expect(report.headSeq).toBe(await vault.events.count());
  });
}
