import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConnectionIsNotSetError, DataSource, QueryFailedError } from 'typeorm';
import { AppConfig } from '../config/config';
import { isUniqueViolation } from '../common/database-errors';
import { dataSourceOptions } from '../database/data-source-options';
import { SqliteStatements } from './sqlite-statements';

/** The vault's connection with its prepared statements, and another process's, on one file. */
describe('SqliteStatements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-statements-'));
  const options = dataSourceOptions({ sqlitePath: join(dir, 'vault.sqlite') } as AppConfig);
  const vault = new DataSource(options);
  const other = new DataSource(options);
  const SELECT = 'SELECT value FROM vault_meta WHERE key = ?';
  const INSERT = 'INSERT INTO vault_meta (key, value) VALUES (?, ?)';
  let statements: SqliteStatements;

  before(async () => {
    await vault.initialize();
    await vault.runMigrations();
    await other.initialize();
    statements = SqliteStatements.of(vault)!;
  });
  after(async () => {
    await other.destroy();
    if (vault.isInitialized) {
      await vault.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('is for node-sqlite3 only, one per DataSource', () => {
    expect(SqliteStatements.of(vault)).toBe(statements);
    expect(SqliteStatements.of({ options: { type: 'postgres' } } as DataSource)).toBeUndefined();
  });

  it('runs one statement again with new parameters, and sees what another connection committed since', async () => {
    expect(await statements.run(INSERT, ['a', '1'])).toBe(1);
    expect(await statements.all(SELECT, ['a'])).toEqual([{ value: '1' }]);
    // A statement left holding its read snapshot would still answer '1' (and block checkpoints).
    await other.query('UPDATE vault_meta SET value = ? WHERE key = ?', ['2', 'a']);
    expect(await statements.all(SELECT, ['a'])).toEqual([{ value: '2' }]);
    expect(await statements.all(SELECT, ['missing'])).toEqual([]);
    const many = await Promise.all(
      ['a', 'missing', 'a'].map((key) => statements.all(SELECT, [key])),
    );
    expect(many).toEqual([[{ value: '2' }], [], [{ value: '2' }]]);
  });

  it('counts the rows a write changed', async () => {
    await statements.run(INSERT, ['b', '1']);
    const update = 'UPDATE vault_meta SET value = ? WHERE key IN (?, ?)';
    expect(await statements.run(update, ['3', 'a', 'b'])).toBe(2);
    expect(await statements.run(update, ['3', 'none', 'nothing'])).toBe(0);
  });

  it("fails as TypeORM's queries do: a QueryFailedError with the driver's code", async () => {
    const error = await statements.run(INSERT, ['a', 'secret-value']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(error)).toBe(true);
    // The same statement runs on after its failure.
    expect(await statements.run(INSERT, ['c', '1'])).toBe(1);
    const unknown = await statements
      .all('SELECT nope FROM vault_meta', [])
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(QueryFailedError);
    expect(String((unknown as Error).message)).toMatch(/no such column/);
  });

  it('follows a schema change made after the statement was prepared', async () => {
    const all = 'SELECT * FROM statements_probe';
    await vault.query('CREATE TABLE statements_probe (a TEXT)');
    await statements.run('INSERT INTO statements_probe (a) VALUES (?)', ['x']);
    expect(await statements.all(all, [])).toEqual([{ a: 'x' }]);
    await other.query("ALTER TABLE statements_probe ADD COLUMN b TEXT DEFAULT 'y'");
    expect(await statements.all(all, [])).toEqual([{ a: 'x', b: 'y' }]);
  });

  it('runs past its cap of prepared statements as one-off statements', async () => {
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, n) => statements.all(`SELECT ${n} AS n`, [])),
    );
    expect(answers.map((rows) => rows[0].n)).toEqual(Array.from({ length: 150 }, (_, n) => n));
  });

  it('runs many calls of one statement at once, each with its own parameters', async () => {
    const keys = Array.from({ length: 30 }, (_, n) => `k${n}`);
    const written = await Promise.all(keys.map((key) => statements.run(INSERT, [key, key])));
    expect(written).toEqual(keys.map(() => 1));
    // A copy's parameters bound for one call must not show through in another's answer.
    const read = await Promise.all(keys.map((key) => statements.all(SELECT, [key])));
    expect(read).toEqual(keys.map((key) => [{ value: key }]));
  });

  it('lets the DataSource close (SQLite refuses while statements are open), and open again', async () => {
    await vault.destroy();
    await expect(statements.all(SELECT, ['a'])).rejects.toThrow(ConnectionIsNotSetError);
    await vault.initialize();
    expect(await statements.all(SELECT, ['a'])).toEqual([{ value: '3' }]);
  });
});
