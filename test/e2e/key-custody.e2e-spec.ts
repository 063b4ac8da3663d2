import { expect } from 'expect';
import { describe, it, after } from 'node:test';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { keyFingerprint } from '../../src/config/keyring';
import { AesGcmEncryptionProvider } from '../../src/keys/aes-gcm-encryption.provider';
import {
  api,
  newDataDir,
  randomKey,
  removeDir,
  sql,
  startRefused,
  startServer,
} from './key-custody-harness';

const body = (secret: string) => ({
  name: 'OpenAI',
  credentialName: 'keyCustodyTest',
  plainDataObj: { openAIApiKey: secret },
});

describe('Key hierarchy (server processes)', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = newDataDir();
    dirs.push(dir);
    return dir;
  };

  after(() => dirs.forEach(removeDir));

  it('generates an owner-only master key file and encrypts with a per-workspace data key', async () => {
    const dir = dataDir();
    const server = await startServer({ DATA_DIR: dir });
    try {
      const created = await api(server, 'POST', '/credentials', 'ws-a', body('sk-first-1234'));
      expect(created.status).toBe(201);
      expect(created.body.encryptedData).toMatch(/^v2\.1\./);
      const merged = await api(server, 'PUT', `/credentials/${String(created.body.id)}`, 'ws-a', {
        plainDataObj: { extra: 'x' },
      });
      expect(merged.status).toBe(200);
      expect(merged.body.encryptedData).toMatch(/^v2\.1\./);
    } finally {
      await server.stop();
    }
    // The first key keeps the first release's place and is known by its fingerprint.
    const keyFile = join(dir, 'encryption.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const kid = keyFingerprint(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
    const dataKeys = await sql(
      join(dir, 'credentials.sqlite'),
      'SELECT * FROM vault_workspace_data_key',
    );
    expect(dataKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workspaceId: 'ws-a', version: 1, masterKeyId: kid }),
      ]),
    );
    expect(existsSync(join(dir, 'keys'))).toBe(false);
  });

  it('keeps decrypting first-release v1 data and its key file, and upgrades the canary', async () => {
    const dir = dataDir();
    const legacyKey = randomKey();
    // A database made by the first release: its single key file and v1 envelopes.
    let server = await startServer({ DATA_DIR: dir, ENCRYPTION_KEY: legacyKey });
    await server.stop();
    const db = join(dir, 'credentials.sqlite');
    const v1 = new AesGcmEncryptionProvider(Buffer.from(legacyKey, 'base64'));
    const id = randomUUID();
    await sql(db, 'DELETE FROM vault_workspace_data_key');
    // The first release had no audit trail (its MAC key sat under a data key just deleted).
    await sql(db, 'DELETE FROM vault_audit_event');
    await sql(db, 'DELETE FROM vault_audit_chain');
    await sql(db, "UPDATE vault_meta SET value = ? WHERE key = 'encryption-canary'", [
      await v1.encrypt('credential-vault key canary', {
        workspaceId: '',
        credentialId: 'vault:key-canary',
      }),
    ]);
    await sql(db, "DELETE FROM vault_meta WHERE key = 'master-key-active'");
    await sql(
      db,
      'INSERT INTO vault_credential (id, name, credentialName, encryptedData, workspaceId, createdDate, updatedDate, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
      [
        id,
        'old',
        'keyCustodyTest',
        await v1.encrypt('{"openAIApiKey":"sk-old"}', { workspaceId: 'ws-old', credentialId: id }),
        'ws-old',
        '2025-01-01 00:00:00.000',
        '2025-01-01 00:00:00.000',
      ],
    );
    writeFileSync(join(dir, 'encryption.key'), `${legacyKey}\n`, { mode: 0o600 });

    server = await startServer({ DATA_DIR: dir });
    try {
      const merged = await api(server, 'PUT', `/credentials/${id}`, 'ws-old', {
        plainDataObj: { openAIApiKey: 'sk-new' },
      });
      expect(merged.status).toBe(200);
      expect(merged.body.encryptedData).toMatch(/^v2\.1\./);
    } finally {
      await server.stop();
    }
    const [canary] = await sql<{ value: string }>(
      db,
      "SELECT value FROM vault_meta WHERE key = 'encryption-canary'",
    );
    expect(canary.value).toMatch(/^v2\./);
    expect(readdirSync(dir)).not.toContain('keys');
  });

  it('refuses to start when both ENCRYPTION_KEYS and ENCRYPTION_KEY are set, echoing neither', async () => {
    const [a, b] = [randomKey(), randomKey()];
    const refused = await startRefused({
      DATA_DIR: dataDir(),
      ENCRYPTION_KEYS: `k1:${a}`,
      ENCRYPTION_KEY: b,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(
      'ENCRYPTION_KEYS and ENCRYPTION_KEY are both set',
    );
    expect(refused.stdout + refused.stderr).not.toContain(a);
    expect(refused.stdout + refused.stderr).not.toContain(b);
  });

  it('refuses a malformed ENCRYPTION_KEYS, naming the variable and not the value', async () => {
    const key = randomKey();
    const refused = await startRefused({ DATA_DIR: dataDir(), ENCRYPTION_KEYS: `${key}` });
    expect(refused.stdout + refused.stderr).toContain('ENCRYPTION_KEYS entry 1');
    expect(refused.stdout + refused.stderr).not.toContain(key);
  });

  it('refuses to start without a referenced master key, naming the missing ids', async () => {
    const dir = dataDir();
    const [k1, k2] = [randomKey(), randomKey()];
    const server = await startServer({ DATA_DIR: dir, ENCRYPTION_KEYS: `alpha:${k1}` });
    expect((await api(server, 'POST', '/credentials', 'ws-a', body('sk-1'))).status).toBe(201);
    await server.stop();

    const replica = await startRefused({ DATA_DIR: dir, ENCRYPTION_KEYS: `beta:${k2}` });
    expect(replica.code).not.toBe(0);
    expect(replica.stdout + replica.stderr).toContain('Missing master key(s): alpha');
    const sameIdOtherKey = await startRefused({ DATA_DIR: dir, ENCRYPTION_KEYS: `alpha:${k2}` });
    expect(sameIdOtherKey.stdout + sameIdOtherKey.stderr).toMatch(
      /does not match|failed authentication/,
    );
  });

  it('refuses to start when the key file is gone, instead of generating a new one', async () => {
    const dir = dataDir();
    const server = await startServer({ DATA_DIR: dir });
    expect((await api(server, 'POST', '/credentials', 'ws-a', body('sk-1'))).status).toBe(201);
    await server.stop();
    renameSync(join(dir, 'encryption.key'), join(dir, 'moved-away'));
    const refused = await startRefused({ DATA_DIR: dir });
    expect(refused.stdout + refused.stderr).toMatch(/encryption key file .* is missing/);
    expect(existsSync(join(dir, 'encryption.key'))).toBe(false);
    expect(existsSync(join(dir, 'keys'))).toBe(false);
  });
});
