import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { queueSqliteTransactions } from './sqlite-transaction-queue';

/**
 * Two connections to one SQLite file, as a server and the CLI are: the vault's (queued) and
 * another process's, which gives up on a lock at once instead of waiting.
 */
describe('queueSqliteTransactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-queue-'));
  const options = dataSourceOptions({ sqlitePath: join(dir, 'vault.sqlite') } as AppConfig);
  const vault = new DataSource(options);
  const other = new DataSource({ ...options, busyTimeout: 1 } as typeof options);
  const insert = (dataSource: DataSource, key: string) =>
    dataSource.query('INSERT INTO vault_meta (key, value) VALUES (?, ?)', [key, 'x']);
  const keys = async () =>
    (await other.query<{ key: string }[]>('SELECT key FROM vault_meta ORDER BY key')).map(
      (row) => row.key,
    );

  before(async () => {
    await vault.initialize();
    await vault.runMigrations();
    await other.initialize();
    queueSqliteTransactions(vault);
  });
  after(async () => {
    await other.destroy();
    await vault.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the write lock at BEGIN: a transaction that reads first still writes after another process tried to', async () => {
    await vault.transaction(async (manager) => {
      await manager.query('SELECT COUNT(*) FROM vault_meta');
      // Deferred, the other process would commit here and this transaction could never write.
      await expect(insert(other, 'other-during')).rejects.toThrow(/SQLITE_BUSY/);
      await manager.query('INSERT INTO vault_meta (key, value) VALUES (?, ?)', ['vault', 'x']);
    });
    await insert(other, 'other-after');
    expect(await keys()).toEqual(expect.arrayContaining(['other-after', 'vault']));
    expect(await keys()).not.toContain('other-during');
  });

  it('runs transactions started at once one after the other, and nests one started inside', async () => {
    const order: string[] = [];
    const slow = vault.transaction(async (manager) => {
      order.push('first begins');
      await manager.query('INSERT INTO vault_meta (key, value) VALUES (?, ?)', ['first', 'x']);
      await vault.transaction(async (inner) => {
        await inner.query('INSERT INTO vault_meta (key, value) VALUES (?, ?)', ['nested', 'x']);
      });
      await new Promise((done) => setTimeout(done, 50));
      order.push('first ends');
    });
    const second = vault.transaction(async (manager) => {
      order.push('second begins');
      await manager.query('INSERT INTO vault_meta (key, value) VALUES (?, ?)', ['second', 'x']);
    });
    await Promise.all([slow, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins']);
    expect(await keys()).toEqual(expect.arrayContaining(['first', 'nested', 'second']));
  });

  it('leaves a read-only snapshot taken outside the queue deferred: writers go on meanwhile', async () => {
    const reader = vault.createQueryRunner();
    await reader.startTransaction();
    try {
      await reader.query('SELECT COUNT(*) FROM vault_meta');
      await insert(other, 'during-snapshot');
    } finally {
      await reader.rollbackTransaction();
      await reader.release();
    }
    expect(await keys()).toContain('during-snapshot');
  });
});
