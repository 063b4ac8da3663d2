import { expect } from 'expect';
import { describe, it, beforeEach, afterEach } from 'node:test';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFingerprint } from '../config/keyring';
import { LocalKeyringProvider } from './local-keyring.provider';

describe('LocalKeyringProvider (key files)', () => {
  let dir: string;
  let files: { kind: 'files'; dir: string; legacyPath: string };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-keys-'));
    files = { kind: 'files', dir: join(dir, 'keys'), legacyPath: join(dir, 'encryption.key') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates owner-only key files and lists them by id', async () => {
    const provider = LocalKeyringProvider.fromConfig(files);
    expect(provider.hasKeys).toBe(false);
    await provider.createKey!('k1');
    expect(statSync(join(files.dir, 'k1.key')).mode & 0o777).toBe(0o600);
    expect((await provider.listKeys()).map((key) => key.kid)).toEqual(['k1']);
    await expect(provider.createKey!('k1')).rejects.toThrow('already exists');
  });

  it('counts the first release key file under its fingerprint', async () => {
    const legacy = randomBytes(32);
    writeFileSync(files.legacyPath, legacy.toString('base64'), { mode: 0o600 });
    const provider = LocalKeyringProvider.fromConfig(files);
    expect((await provider.listKeys()).map((key) => key.kid)).toEqual([keyFingerprint(legacy)]);
    expect(provider.legacyKey(keyFingerprint(legacy))).toEqual(legacy);
  });

  it('finds a key file another process added, when asked for its id', async () => {
    const running = LocalKeyringProvider.fromConfig(files);
    const cli = LocalKeyringProvider.fromConfig(files);
    await cli.createKey!('k2');
    const aad = Buffer.from('aad');
    const wrapped = await cli.wrap('k2', Buffer.alloc(32, 7), aad);
    await expect(running.unwrap('k2', wrapped, aad)).resolves.toEqual(Buffer.alloc(32, 7));
    await expect(running.unwrap('k2', wrapped, Buffer.from('other'))).rejects.toThrow(
      'failed authentication',
    );
  });

  it('refuses a key file that other users can read', () => {
    mkdirSync(files.dir, { mode: 0o700 });
    const path = join(files.dir, 'k1.key');
    writeFileSync(path, randomBytes(32).toString('base64'));
    chmodSync(path, 0o644);
    expect(() => LocalKeyringProvider.fromConfig(files)).toThrow('readable by other users');
  });
});
