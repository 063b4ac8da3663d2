import { expect } from 'expect';
import { describe, it, beforeEach, afterEach } from 'node:test';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AesGcmEncryptionProvider } from './aes-gcm-encryption.provider';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from '../database/schema';
import { keyFingerprint } from '../config/keyring';
import { dataKeyAad, KeyHierarchy } from './key-hierarchy';
import { KeyHierarchyEncryptionProvider, envelopeKey } from './key-hierarchy-encryption.provider';
import { LocalKeyringProvider } from './local-keyring.provider';
import { MasterKeyProvider } from './master-key.provider';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (...keys: [string, Buffer][]) =>
  LocalKeyringProvider.fromConfig({
    kind: 'env',
    variable: 'ENCRYPTION_KEYS',
    keys: keys.map(([kid, key]) => ({ kid, key })),
  });
const ctx = (workspaceId = 'ws-a', credentialId = 'c0ffee00-0000-4000-8000-000000000001') => ({
  workspaceId,
  credentialId,
});

/** Counts unwraps, to prove the data key is cached. */
function counting(provider: MasterKeyProvider): MasterKeyProvider & { unwraps: number } {
  const counted = Object.create(provider) as MasterKeyProvider & { unwraps: number };
  counted.unwraps = 0;
  counted.unwrap = (...args) => {
    counted.unwraps++;
    return provider.unwrap(...args);
  };
  return counted;
}

describe('KeyHierarchy', () => {
  let dataSource: DataSource;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: CREDENTIALS_ENTITIES,
      migrations: CREDENTIALS_MIGRATIONS,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterEach(() => dataSource.destroy());

  const hierarchy = (provider: MasterKeyProvider) =>
    new KeyHierarchyEncryptionProvider(new KeyHierarchy(dataSource, provider));

  it('encrypts under the workspace data key, naming its version, wrapped by the active master key', async () => {
    const encryption = hierarchy(ring(['k1', k1]));
    const envelope = await encryption.encrypt('{"apiKey":"sk-1"}', ctx());
    expect(envelope).toMatch(/^v2\.1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(envelopeKey(envelope)).toEqual({ kind: 'data-key', version: 1 });
    await expect(encryption.decrypt(envelope, ctx())).resolves.toBe('{"apiKey":"sk-1"}');
    const [row] = await dataSource.getRepository(WorkspaceDataKeyEntity).find();
    expect(row).toMatchObject({ workspaceId: 'ws-a', version: 1, masterKeyId: 'k1' });
    expect(row.wrappedKey).not.toContain(k1.toString('base64url'));
  });

  it('binds the workspace, the credential and the data-key version', async () => {
    const encryption = hierarchy(ring(['k1', k1]));
    const envelope = await encryption.encrypt('secret', ctx());
    await expect(encryption.decrypt(envelope, ctx('ws-a', 'other-id'))).rejects.toThrow(
      'failed authentication',
    );
    await encryption.encrypt('x', ctx('ws-b'));
    await expect(encryption.decrypt(envelope, ctx('ws-b'))).rejects.toThrow(
      'failed authentication',
    );
    await encryption.keys.createVersion('ws-a');
    await expect(encryption.decrypt(envelope.replace(/^v2\.1\./, 'v2.2.'), ctx())).rejects.toThrow(
      'failed authentication',
    );
  });

  it('keeps old versions readable after a new data-key version, and writes the new one', async () => {
    const keys = new KeyHierarchy(dataSource, ring(['k1', k1]), 0);
    const encryption = new KeyHierarchyEncryptionProvider(keys);
    const old = await encryption.encrypt('old', ctx());
    expect(await keys.createVersion('ws-a')).toBe(2);
    const fresh = await encryption.encrypt('new', ctx());
    expect(fresh.startsWith('v2.2.')).toBe(true);
    await expect(encryption.decrypt(old, ctx())).resolves.toBe('old');
    await expect(encryption.decrypt(fresh, ctx())).resolves.toBe('new');
  });

  it('unwraps a data key once per workspace and version, not per call', async () => {
    const provider = counting(ring(['k1', k1]));
    const encryption = hierarchy(provider);
    const envelopes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => encryption.encrypt(`s${i}`, ctx())),
    );
    await Promise.all(envelopes.map((envelope) => encryption.decrypt(envelope, ctx())));
    expect(provider.unwraps).toBe(1);
  });

  it('loads a version another process created, on demand', async () => {
    const server = hierarchy(ring(['k1', k1]));
    const cli = hierarchy(ring(['k1', k1]));
    await server.encrypt('warm the cache', ctx());
    const version = await cli.keys.createVersion('ws-a');
    const envelope = await cli.encryptWithVersion('from the cli', ctx(), version);
    await expect(server.decrypt(envelope, ctx())).resolves.toBe('from the cli');
  });

  it('rewraps data keys to a new master key without touching credentials', async () => {
    const before = hierarchy(ring(['k1', k1]));
    const envelope = await before.encrypt('secret', ctx());
    const rotated = new KeyHierarchy(dataSource, ring(['k2', k2], ['k1', k1]));
    for (const row of await dataSource.getRepository(WorkspaceDataKeyEntity).find()) {
      expect(await rotated.rewrap(row, 'k2')).toBe(true);
    }
    const onlyNewKey = hierarchy(ring(['k2', k2]));
    await expect(onlyNewKey.decrypt(envelope, ctx())).resolves.toBe('secret');
  });

  it('refuses a wrapped data key moved to another workspace', async () => {
    const provider = ring(['k1', k1]);
    const wrapped = await provider.wrap('k1', randomBytes(32), dataKeyAad('ws-a', 1, 'k1'));
    await expect(provider.unwrap('k1', wrapped, dataKeyAad('ws-b', 1, 'k1'))).rejects.toThrow();
  });

  it('decrypts first-release v1 envelopes with the master key they name', async () => {
    const v1 = await new AesGcmEncryptionProvider(k1).encrypt('legacy', ctx());
    expect(envelopeKey(v1)).toEqual({ kind: 'legacy', legacyKeyId: keyFingerprint(k1) });
    await expect(hierarchy(ring(['k2', k2], ['old', k1])).decrypt(v1, ctx())).resolves.toBe(
      'legacy',
    );
    await expect(hierarchy(ring(['k2', k2])).decrypt(v1, ctx())).rejects.toThrow(
      `needs master key ${keyFingerprint(k1)}`,
    );
  });

  it('crypto-shreds: with its data keys deleted and forgotten, nothing of a workspace decrypts', async () => {
    const encryption = hierarchy(ring(['k1', k1]));
    const a = await encryption.encrypt('a', ctx('ws-a'));
    const b = await encryption.encrypt('b', ctx('ws-b'));
    // As WorkspaceDataKeysRemoval does when a workspace is deleted.
    const deleted = await dataSource
      .getRepository(WorkspaceDataKeyEntity)
      .delete({ workspaceId: 'ws-a' });
    expect(deleted.affected).toBe(1);
    encryption.keys.forget('ws-a');
    await expect(encryption.decrypt(a, ctx('ws-a'))).rejects.toThrow('does not exist');
    await expect(hierarchy(ring(['k1', k1])).decrypt(a, ctx('ws-a'))).rejects.toThrow();
    await expect(encryption.decrypt(b, ctx('ws-b'))).resolves.toBe('b');
  });
});
