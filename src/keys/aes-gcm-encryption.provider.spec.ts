import { expect } from 'expect';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { AesGcmEncryptionProvider } from './aes-gcm-encryption.provider';

const context = { workspaceId: 'ws-1', credentialId: '0b7c7d3e-1111-4f4f-8a8a-123456789abc' };
const secret = JSON.stringify({ openAIApiKey: 'sk-unit-test-secret' });

describe('AesGcmEncryptionProvider', () => {
  const provider = new AesGcmEncryptionProvider(randomBytes(32));

  it('round-trips a secret under the same context', async () => {
    const envelope = await provider.encrypt(secret, context);
    await expect(provider.decrypt(envelope, context)).resolves.toBe(secret);
  });

  it('writes a versioned envelope that names its key and never contains the plaintext', async () => {
    const envelope = await provider.encrypt(secret, context);
    const [format, keyId, ...rest] = envelope.split('.');
    expect(format).toBe('v1');
    expect(keyId).toBe(provider.keyId);
    expect(rest).toHaveLength(3);
    expect(envelope).not.toContain('sk-unit-test-secret');
  });

  it('uses a fresh IV for every encryption', async () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      ivs.add((await provider.encrypt(secret, context)).split('.')[2]);
    }
    expect(ivs.size).toBe(2000);
  });

  it('fails when any character of the envelope changes', async () => {
    const envelope = await provider.encrypt(secret, context);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < envelope.length; i++) {
      const replacement = alphabet[(alphabet.indexOf(envelope[i]) + 1) % alphabet.length];
      const altered = envelope.slice(0, i) + replacement + envelope.slice(i + 1);
      await expect(provider.decrypt(altered, context)).rejects.toThrow();
    }
  });

  it('fails for a truncated or extended envelope', async () => {
    const envelope = await provider.encrypt(secret, context);
    await expect(provider.decrypt(envelope.slice(0, -1), context)).rejects.toThrow();
    await expect(provider.decrypt(`${envelope}A`, context)).rejects.toThrow();
    await expect(provider.decrypt(`${envelope}.x`, context)).rejects.toThrow();
  });

  it("fails under another row's context (another id or another workspace)", async () => {
    const envelope = await provider.encrypt(secret, context);
    await expect(
      provider.decrypt(envelope, {
        ...context,
        credentialId: 'ffffffff-1111-4f4f-8a8a-123456789abc',
      }),
    ).rejects.toThrow('bound to another row');
    await expect(provider.decrypt(envelope, { ...context, workspaceId: 'ws-2' })).rejects.toThrow(
      'bound to another row',
    );
  });

  it('fails under another key, naming the key ids but not the keys', async () => {
    const envelope = await provider.encrypt(secret, context);
    const otherKey = randomBytes(32);
    const other = new AesGcmEncryptionProvider(otherKey);
    const failure = other.decrypt(envelope, context);
    await expect(failure).rejects.toThrow(provider.keyId);
    await expect(failure).rejects.not.toThrow(otherKey.toString('base64'));
  });

  it('fails under another key even when the key id is forged', async () => {
    const other = new AesGcmEncryptionProvider(randomBytes(32));
    const envelope = await other.encrypt(secret, context);
    const forged = envelope.replace(other.keyId, provider.keyId);
    await expect(provider.decrypt(forged, context)).rejects.toThrow('failed authentication');
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new AesGcmEncryptionProvider(randomBytes(16))).toThrow('32 bytes');
  });
});
