import { expect } from 'expect';
import { describe, it, beforeEach, afterEach } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AesGcmEncryptionProvider } from '../keys/aes-gcm-encryption.provider';
import { loadConfig } from './config';
import { keyFingerprint, parseEncryptionKeys } from './keyring';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe('parseEncryptionKeys', () => {
  it('reads kid:base64 pairs in order, the first being the active one', () => {
    const { keys, problems } = parseEncryptionKeys(`k2:${keyA}, k1:${keyB}`);
    expect(problems).toEqual([]);
    expect(keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    expect(keys[0].key).toEqual(Buffer.from(keyA, 'base64'));
  });

  const refusals: [string, string, string][] = [
    [
      'an entry without a kid',
      `${keyA}`,
      'ENCRYPTION_KEYS entry 1 must be <kid>:<base64 of 32 bytes>',
    ],
    ['an empty entry', `k1:${keyA},`, 'ENCRYPTION_KEYS entry 2 must be <kid>:<base64 of 32 bytes>'],
    ['a bad kid', `k 1:${keyA}`, 'ENCRYPTION_KEYS entry 1 has an invalid key id'],
    [
      'a short key',
      `k1:${keyA.slice(0, 20)}`,
      'ENCRYPTION_KEYS entry 1 must hold the base64 of exactly 32 bytes',
    ],
    [
      'a duplicate kid',
      `k1:${keyA},k1:${keyB}`,
      'ENCRYPTION_KEYS entries 1 and 2 have the same key id',
    ],
  ];
  for (const [what, value, message] of refusals) {
    it(`refuses ${what}, naming the variable and never the value`, () => {
      const { keys, problems } = parseEncryptionKeys(value);
      expect(keys).toEqual([]);
      expect(problems.join('\n')).toContain(message);
      for (const secret of [keyA, keyB, keyA.slice(0, 20)]) {
        expect(problems.join('\n')).not.toContain(secret);
      }
    });
  }

  it('names a kid-less key the way the first release named it in v1 envelopes', () => {
    const key = randomBytes(32);
    expect(keyFingerprint(key)).toBe(new AesGcmEncryptionProvider(key).keyId);
  });
});

describe('loadConfig keyring', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-keyring-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses ENCRYPTION_KEYS and ENCRYPTION_KEY together', () => {
    expect(() =>
      loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEYS: `k1:${keyA}`, ENCRYPTION_KEY: keyB }),
    ).toThrow('ENCRYPTION_KEYS and ENCRYPTION_KEY are both set');
  });

  it('reports a bad ENCRYPTION_KEYS without echoing it', () => {
    const attempt = () => loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEYS: `${keyA}:k1` });
    expect(attempt).toThrow(/ENCRYPTION_KEYS entry 1/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain(keyA);
    }
  });

  it('makes a one-key ring of ENCRYPTION_KEY and uses key files otherwise', () => {
    const fromEnv = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: keyA }).keyring;
    expect(fromEnv).toMatchObject({ kind: 'env', variable: 'ENCRYPTION_KEY' });
    expect(fromEnv.kind === 'env' && fromEnv.keys.map((key) => key.kid)).toEqual([
      keyFingerprint(Buffer.from(keyA, 'base64')),
    ]);
    expect(loadConfig({ DATA_DIR: dataDir }).keyring).toEqual({
      kind: 'files',
      dir: join(dataDir, 'keys'),
      legacyPath: join(dataDir, 'encryption.key'),
    });
  });

  it('requires the PKCS#11 settings and never echoes the PIN', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, KEY_PROVIDER: 'pkcs11' })).toThrow(
      /PKCS11_MODULE is required[\s\S]*PKCS11_PIN is required[\s\S]*PKCS11_KEY_LABEL is required/,
    );
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir,
        KEY_PROVIDER: 'pkcs11',
        PKCS11_PIN: 'pin-9731',
        PKCS11_SLOT: 'x',
      }),
    ).toThrow(/^(?![\s\S]*pin-9731)[\s\S]*PKCS11_SLOT must be an integer/);
  });
});
