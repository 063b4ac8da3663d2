import { expect } from 'expect';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';

describe('loadConfig: the PostgreSQL store', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });

  it('selects PostgreSQL for postgres:// and postgresql://, with a default pool of 10', () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const config = load({ DATABASE_URL: `${scheme}://vault:s3cret@db.internal:5432/vault` });
      expect(config.postgres).toEqual({
        url: `${scheme}://vault:s3cret@db.internal:5432/vault`,
        poolSize: 10,
      });
    }
    expect(load({}).postgres).toBeUndefined();
  });

  it('honours sslmode as libpq does, moving it from the URL to the TLS options', () => {
    const url = (mode: string) => `postgres://vault@db.internal/vault?sslmode=${mode}`;
    expect(load({ DATABASE_URL: url('require') }).postgres).toMatchObject({
      url: 'postgres://vault@db.internal/vault',
      ssl: { rejectUnauthorized: false },
    });
    expect(load({ DATABASE_URL: url('verify-full') }).postgres?.ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(load({ DATABASE_URL: url('disable') }).postgres?.ssl).toBeUndefined();
    const caFile = join(dataDir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(
      load({ DATABASE_URL: url('require'), DATABASE_CA_FILE: caFile, DATABASE_POOL_SIZE: '25' })
        .postgres,
    ).toMatchObject({ ssl: { rejectUnauthorized: true, ca: expect.any(String) }, poolSize: 25 });
  });

  it('refuses invalid combinations, naming variables and never the password', () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ DATABASE_URL: 'mysql://u:hunter2pw@h/db' }, /DATABASE_URL must be sqlite:<path> or/],
      [{ DATABASE_POOL_SIZE: '5' }, /DATABASE_POOL_SIZE applies to a PostgreSQL DATABASE_URL/],
      [{ DATABASE_CA_FILE: '/ca.pem' }, /DATABASE_CA_FILE applies to a PostgreSQL DATABASE_URL/],
      [
        { DATABASE_URL: 'postgres://u:hunter2pw@h/db', DATABASE_CA_FILE: '/ca.pem' },
        /DATABASE_CA_FILE needs sslmode=require/,
      ],
      [
        { DATABASE_URL: 'postgres://u:hunter2pw@h/db?sslmode=require', DATABASE_CA_FILE: '/no' },
        /DATABASE_CA_FILE cannot be read/,
      ],
      [{ DATABASE_URL: 'postgres://u:hunter2pw@h/db?sslmode=sure' }, /sslmode must be one of/],
      [{ DATABASE_URL: 'postgres://u:hunter2pw@h/db?sslrootcert=x' }, /use DATABASE_CA_FILE/],
      [{ DATABASE_URL: 'postgres://u:hunter2pw@h' }, /must name a host and a database/],
      [{ DATABASE_URL: 'postgres://u:hunter2pw@h/db', DATABASE_POOL_SIZE: '0' }, /POOL_SIZE/],
    ];
    for (const [env, message] of refusals) {
      let error: Error | undefined;
      try {
        load(env);
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain('hunter2pw');
    }
  });
});
