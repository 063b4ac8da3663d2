import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { AuditEventInput } from '../core/audit-recorder';
import { openVault, postgresStore, Store } from '../../test/audit/audit-vault';
import { postgresOnly } from '../../test/e2e/test-store';

/**
 * PostgreSQL: every audited writer takes the chain's row before any other, so one holding it never
 * waits for a credential another writer holds while waiting for the chain (a deadlock).
 */
describe('Audited writes lock the chain first, on PostgreSQL', { skip: postgresOnly() }, () => {
  let store: Store;
  let vault: Awaited<ReturnType<typeof openVault>>;
  const id = '00000000-0000-4000-8000-000000000001';
  const lockChain = 'SELECT 1 FROM vault_audit_chain WHERE id = 1 FOR UPDATE';
  const event: AuditEventInput = {
    action: 'credential.updated',
    workspaceId: 'ws-a',
    actor: { type: 'user', id: 'u-1' },
    target: { type: 'credential', id },
    outcome: 'success',
  };
  /** Runs `sql` in a transaction of its own: 'locked', or why not, the locks let go at once. */
  async function tryLock(sql: string, parameters: unknown[] = []): Promise<string> {
    const runner = vault.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(sql, parameters);
      return 'locked';
    } catch (error) {
      return String(error);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
  const waitingForALock = async (text: string) => {
    for (let polls = 0; polls < 100; polls++) {
      const [{ waiting }] = await vault.dataSource.query<{ waiting: number }[]>(
        'SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database()' +
          " AND wait_event_type = 'Lock' AND query LIKE $1",
        [`%${text}%`],
      );
      if (waiting > 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nothing waits for a lock in ${text}`);
  };

  before(async () => {
    store = await postgresStore();
    vault = await openVault(store.options);
    const date = new Date();
    // Audited, so the MAC key exists (made on the first append) before a test holds the chain.
    await vault.writes.insert(
      {
        ...{ id, workspaceId: 'ws-a', name: 'Key', credentialName: 'openAIApi' },
        ...{ encryptedData: 'v2.ciphertext', createdDate: date, updatedDate: date, version: 1 },
      },
      { ...event, action: 'credential.created' },
    );
  });
  after(async () => {
    await vault?.dataSource.destroy();
    await store?.drop();
  });

  it('a write in one statement waits for the chain before it locks its credential', async () => {
    const chain = vault.dataSource.createQueryRunner();
    await chain.startTransaction();
    await chain.query(lockChain);
    let write: Promise<boolean> | undefined;
    try {
      const row = await vault.credentials.findOneByOrFail({ id });
      write = vault.writes.replaceIfVersion({ ...row, name: 'Renamed', version: 2 }, 1, event);
      await waitingForALock('vault_audited_credential_write');
      // Nothing holds the credential while the write waits: another writer takes it at once.
      expect(
        await tryLock('SELECT 1 FROM vault_credential WHERE id = $1 FOR UPDATE NOWAIT', [id]),
      ).toBe('locked');
    } finally {
      await chain.rollbackTransaction();
      await chain.release();
    }
    expect(await write).toBe(true);
  });

  it('a transaction holds the chain while its work runs', async () => {
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transaction = vault.recorder.transaction(
      async () => {
        entered();
        await gate;
      },
      () => ({ ...event, action: 'keys.rotation.started', target: undefined }),
    );
    try {
      await inside;
      expect(await tryLock(`${lockChain} NOWAIT`)).toMatch(/could not obtain lock/);
    } finally {
      release();
      await transaction;
    }
    expect((await vault.verification.verify()).broken).toBeUndefined();
  });
});
