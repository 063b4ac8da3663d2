import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { postgresOptions } from '../database/postgres-options';
import { createTestDatabase, postgresOnly, TestDatabase } from '../../test/e2e/test-store';
import { runAgainOnConflict } from './database-errors';

describe('runAgainOnConflict', () => {
  it('throws anything but a conflict at once, as it came', async () => {
    let runs = 0;
    const unique = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
    await expect(
      runAgainOnConflict(() => {
        runs++;
        return Promise.reject(unique);
      }),
    ).rejects.toBe(unique);
    expect(runs).toBe(1);
  });

  it('runs a transaction SQLite refused as busy again', async () => {
    let runs = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const result = await runAgainOnConflict(() =>
      ++runs < 3 ? Promise.reject(busy) : Promise.resolve('done'),
    );
    expect([result, runs]).toEqual(['done', 3]);
  });
});

describe('runAgainOnConflict on PostgreSQL', { skip: postgresOnly() }, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  before(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(postgresOptions({ url: database.url, poolSize: 4 }));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE lock_order (id integer PRIMARY KEY, hits integer)');
    await dataSource.query('INSERT INTO lock_order VALUES (1, 0), (2, 0)');
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('runs the transaction PostgreSQL failed to break a deadlock again, and both land', async () => {
    // Each takes one row, waits until the other has its own, then asks for the other's: a cycle.
    let bothHoldOne!: () => void;
    let holding = 0;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    let runs = 0;
    const lockBoth = (first: number, second: number) =>
      runAgainOnConflict(() =>
        dataSource.transaction(async (manager) => {
          runs++;
          const bump = (id: number) =>
            manager.query('UPDATE lock_order SET hits = hits + 1 WHERE id = $1', [id]);
          await bump(first);
          if (++holding === 2) {
            bothHoldOne();
          }
          await barrier;
          await bump(second);
        }),
      );
    await Promise.all([lockBoth(1, 2), lockBoth(2, 1)]);
    expect(runs).toBe(3); // the deadlock's victim ran twice
    expect(await dataSource.query('SELECT id, hits FROM lock_order ORDER BY id')).toEqual([
      { id: 1, hits: 2 },
      { id: 2, hits: 2 },
    ]);
  });
});
