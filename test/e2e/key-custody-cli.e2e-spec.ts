import { expect } from 'expect';
import { describe, it, before, after } from 'node:test';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '../../src/config/keyring';
import { AesGcmEncryptionProvider } from '../../src/keys/aes-gcm-encryption.provider';
import {
  api,
  newDataDir,
  ok,
  randomKey,
  removeDir,
  runCli,
  RunningServer,
  sql,
  startServer,
} from './key-custody-harness';

interface Status {
  masterKeys: { kid: string; isActive: boolean; dataKeys: number; legacyRows: number }[];
  dataKeys: { workspaceId: string; version: number; masterKeyId: string; rows: number }[];
  legacyRows: number;
}

const secretBody = (secret: string) => ({
  name: 'OpenAI',
  credentialName: 'keyCustodyTest',
  plainDataObj: { openAIApiKey: secret },
});

describe('keys:* commands while a server runs (key files)', () => {
  const dir = newDataDir();
  const env = { DATA_DIR: dir };
  const secrets = Array.from({ length: 6 }, (_, i) => `sk-cli-${i}-${randomUUID()}`);
  const ids: Record<string, string[]> = { 'ws-a': [], 'ws-b': [] };
  let server: RunningServer;
  let firstKid: string;

  const status = async () =>
    JSON.parse(ok(await runCli(['keys:status', '--json'], env)).stdout) as Status;
  const legacyFile = join(dir, 'encryption.key');
  /** The master keys on disk: DATA_DIR/keys/<kid>.key, and the first key in DATA_DIR/encryption.key. */
  const keyFiles = () =>
    [
      ...(existsSync(join(dir, 'keys'))
        ? readdirSync(join(dir, 'keys')).map((name) => name.replace(/\.key$/, ''))
        : []),
      ...(existsSync(legacyFile) ? [firstKid] : []),
    ].sort();

  before(async () => {
    server = await startServer(env);
    for (const [i, secret] of secrets.entries()) {
      const workspaceId = i % 2 === 0 ? 'ws-a' : 'ws-b';
      const created = await api(server, 'POST', '/credentials', workspaceId, secretBody(secret));
      expect(created.status).toBe(201);
      ids[workspaceId].push(String(created.body.id));
    }
    firstKid = keyFingerprint(Buffer.from(readFileSync(legacyFile, 'utf8').trim(), 'base64'));
  });
  after(async () => {
    await server.stop();
    removeDir(dir);
  });

  it('keys:status lists master keys and rows per data-key version, never key material', async () => {
    const result = ok(await runCli(['keys:status'], env));
    const material = readFileSync(legacyFile, 'utf8').trim();
    expect(result.stdout).toContain(firstKid);
    expect(result.stdout).toContain('ACTIVE');
    expect(result.stdout + result.stderr).not.toContain(material);
    const json = await status();
    expect(json.masterKeys).toEqual([
      expect.objectContaining({ kid: firstKid, isActive: true, dataKeys: 3 }),
    ]);
    expect(json.dataKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workspaceId: 'ws-a', version: 1, rows: 3 }),
        expect.objectContaining({ workspaceId: 'ws-b', version: 1, rows: 3 }),
      ]),
    );
  });

  it('keys:rotate-master makes a new key file and rewraps every data key to it', async () => {
    const result = ok(await runCli(['keys:rotate-master', '--kid', 'second'], env));
    expect(result.stdout).toContain('Master key second is active (new key created); rewrapped 3');
    expect(keyFiles().sort()).toEqual([firstKid, 'second'].sort());
    const json = await status();
    expect(json.masterKeys.find((key) => key.kid === 'second')).toMatchObject({
      isActive: true,
      dataKeys: 3,
    });
    expect(json.masterKeys.find((key) => key.kid === firstKid)).toMatchObject({
      isActive: false,
      dataKeys: 0,
    });
    // The running server keeps serving, and makes new data keys under the new master key.
    expect((await api(server, 'POST', '/credentials', 'ws-c', secretBody('sk-c'))).status).toBe(
      201,
    );
    const [wsC] = await sql<{ masterKeyId: string }>(
      join(dir, 'credentials.sqlite'),
      "SELECT masterKeyId FROM vault_workspace_data_key WHERE workspaceId = 'ws-c'",
    );
    expect(wsC.masterKeyId).toBe('second');
  });

  it('keys:retire refuses a key in use, saying what uses it, and retires an unused one', async () => {
    const active = await runCli(['keys:retire', 'second'], env);
    expect(active.code).not.toBe(0);
    expect(active.stderr).toContain('it is the active master key');
    expect(active.stderr).toMatch(/wraps 4 data key\(s\)/);
    expect(keyFiles()).toContain('second');

    const unknown = await runCli(['keys:retire', 'nope'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('not in the keyring');

    const retired = ok(await runCli(['keys:retire', firstKid], env));
    expect(retired.stdout).toContain(`Master key ${firstKid} retired. Deleted the key file`);
    expect(keyFiles()).toEqual(['second']);
  });

  it('keys:rotate-data re-encrypts one workspace to a new data-key version; the server follows', async () => {
    const usage = await runCli(['keys:rotate-data'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('exactly one of --workspace <id> and --all');

    const result = ok(
      await runCli(['keys:rotate-data', '--workspace', 'ws-a', '--batch-size', '2'], env),
    );
    expect(result.stdout).toContain('ws-a: data key v2, re-encrypted 3 row(s)');
    expect(result.stderr).toMatch(/ETA/);
    const rows = await sql<{ workspaceId: string; encryptedData: string }>(
      join(dir, 'credentials.sqlite'),
      'SELECT workspaceId, encryptedData FROM vault_credential',
    );
    for (const row of rows) {
      expect(row.encryptedData.slice(0, 5)).toBe(row.workspaceId === 'ws-a' ? 'v2.2.' : 'v2.1.');
    }
    const merged = await api(server, 'PUT', `/credentials/${ids['ws-a'][0]}`, 'ws-a', {
      plainDataObj: { extra: 'x' },
    });
    expect(merged.status).toBe(200);
    expect(merged.body.encryptedData).toMatch(/^v2\.2\./);
    const json = await status();
    expect(json.dataKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workspaceId: 'ws-a', version: 1, rows: 0 }),
        expect.objectContaining({ workspaceId: 'ws-a', version: 2, rows: 3 }),
      ]),
    );
  });

  it('keys:verify decrypts every row and reports counts per key', async () => {
    const result = ok(await runCli(['keys:verify', '--json'], env));
    const report = JSON.parse(result.stdout) as {
      rows: number;
      decrypted: number;
      canary: string;
      byMasterKey: Record<string, number>;
      failures: unknown[];
    };
    expect(report).toMatchObject({ rows: 7, decrypted: 7, canary: 'ok', failures: [] });
    expect(report.byMasterKey).toEqual({ second: 7 });
    for (const secret of secrets) {
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('keys:verify names a row that does not decrypt, and exits non-zero', async () => {
    const db = join(dir, 'credentials.sqlite');
    const [victim] = await sql<{ encryptedData: string }>(
      db,
      'SELECT encryptedData FROM vault_credential WHERE id = ?',
      [ids['ws-b'][0]],
    );
    await sql(db, 'UPDATE vault_credential SET encryptedData = ? WHERE id = ?', [
      victim.encryptedData.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`),
      ids['ws-b'][0],
    ]);
    try {
      const result = await runCli(['keys:verify'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`FAILED ${ids['ws-b'][0]} (ws-b)`);
      expect(result.stdout).toContain('keys:verify: FAILURES');
    } finally {
      await sql(db, 'UPDATE vault_credential SET encryptedData = ? WHERE id = ?', [
        victim.encryptedData,
        ids['ws-b'][0],
      ]);
    }
  });
});

describe('keys:* with ENCRYPTION_KEYS and first-release data', () => {
  it('rewraps to the key put first, upgrades v1 rows, then retires both old keys', async () => {
    const dir = newDataDir();
    try {
      const legacy = randomKey();
      const [k1, k2] = [randomKey(), randomKey()];
      // First release: one key file, v1 envelopes.
      writeFileSync(join(dir, 'encryption.key'), `${legacy}\n`, { mode: 0o600 });
      let server = await startServer({ DATA_DIR: dir });
      await server.stop();
      const db = join(dir, 'credentials.sqlite');
      const v1 = new AesGcmEncryptionProvider(Buffer.from(legacy, 'base64'));
      const id = randomUUID();
      await sql(
        db,
        "INSERT INTO vault_credential (id, name, credentialName, encryptedData, workspaceId, createdDate, updatedDate, version) VALUES (?, 'old', 'keyCustodyTest', ?, 'ws-old', '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000', 1)",
        [
          id,
          await v1.encrypt('{"openAIApiKey":"sk-old"}', {
            workspaceId: 'ws-old',
            credentialId: id,
          }),
        ],
      );
      const legacyKid = v1.keyId;

      // The operator moves to ENCRYPTION_KEYS, keeping the old key under its id.
      const ring1 = { DATA_DIR: dir, ENCRYPTION_KEYS: `k1:${k1},${legacyKid}:${legacy}` };
      const rotated = ok(await runCli(['keys:rotate-master'], ring1));
      expect(rotated.stdout).toContain('Master key k1 is active');
      const wrongKid = await runCli(['keys:rotate-master', '--kid', 'k2'], ring1);
      expect(wrongKid.code).not.toBe(0);
      expect(wrongKid.stderr).toContain('Put k2 first in it on every replica');

      const legacyInUse = await runCli(['keys:retire', legacyKid], ring1);
      expect(legacyInUse.code).toBe(1);
      expect(legacyInUse.stderr).toContain('1 credential(s) are still in the first-release format');

      ok(await runCli(['keys:rotate-data', '--all'], ring1));
      const [row] = await sql<{ encryptedData: string }>(
        db,
        'SELECT encryptedData FROM vault_credential',
      );
      expect(row.encryptedData).toMatch(/^v2\.1\./);
      const retiredLegacy = ok(await runCli(['keys:retire', legacyKid], ring1));
      expect(retiredLegacy.stdout).toContain(
        `safe to remove it from ENCRYPTION_KEYS on every replica`,
      );

      // Next rotation: k2 goes first on every replica, then rotate-master rewraps to it.
      const ring2 = { DATA_DIR: dir, ENCRYPTION_KEYS: `k2:${k2},k1:${k1}` };
      expect(ok(await runCli(['keys:rotate-master', '--kid', 'k2'], ring2)).stdout).toContain(
        'Master key k2 is active',
      );
      ok(await runCli(['keys:retire', 'k1'], ring2));
      server = await startServer({ DATA_DIR: dir, ENCRYPTION_KEYS: `k2:${k2}` });
      try {
        const merged = await api(server, 'PUT', `/credentials/${id}`, 'ws-old', {
          plainDataObj: { b: '1' },
        });
        expect(merged.status).toBe(200);
      } finally {
        await server.stop();
      }
      expect(existsSync(join(dir, 'keys'))).toBe(false);
      expect(existsSync(join(dir, 'encryption.key'))).toBe(true);
    } finally {
      removeDir(dir);
    }
  });
});
