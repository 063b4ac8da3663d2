import { expect } from 'expect';
import { describe, it } from 'node:test';
import { BundledCredential, openBundle, readBundleHeader, sealBundle } from './sealed-bundle';

const passphrase = 'correct horse battery staple';
const credentials: BundledCredential[] = [
  {
    id: '3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10',
    name: 'OpenAI',
    credentialName: 'openAIApi',
    workspaceId: 'ws-a',
    createdDate: '2026-01-01T00:00:00.000Z',
    updatedDate: '2026-01-02T00:00:00.000Z',
    plainDataJson: '{"openAIApiKey":"sk-bundle-secret-1"}',
  },
];

describe('sealed bundles', () => {
  it('round-trips, with an authenticated header that names version, counts and date', async () => {
    const bundle = await sealBundle(credentials, passphrase, new Date('2026-11-27T00:00:00Z'));
    expect(bundle).not.toContain('sk-bundle-secret-1');
    expect(bundle).not.toContain('OpenAI');
    const { header } = readBundleHeader(bundle);
    expect(header).toMatchObject({
      format: 'credential-vault-bundle',
      formatVersion: 1,
      createdAt: '2026-11-27T00:00:00.000Z',
      counts: { credentials: 1, workspaces: 1 },
      kdf: { name: 'scrypt' },
      cipher: 'aes-256-gcm',
    });
    await expect(openBundle(bundle, passphrase)).resolves.toEqual({ header, credentials });
  });

  it('refuses a wrong passphrase and any altered byte with the same clear message', async () => {
    const bundle = await sealBundle(credentials, passphrase);
    await expect(openBundle(bundle, 'wrong passphrase!')).rejects.toThrow(
      'wrong passphrase, or the bundle was altered',
    );
    const [headerLine, body] = bundle.split('\n');
    const moreCredentials = headerLine.replace('"credentials":1', '"credentials":2');
    await expect(openBundle(`${moreCredentials}\n${body}\n`, passphrase)).rejects.toThrow(
      'the bundle was altered',
    );
    const flipped = body.slice(0, 20) + (body[20] === 'A' ? 'B' : 'A') + body.slice(21);
    await expect(openBundle(`${headerLine}\n${flipped}\n`, passphrase)).rejects.toThrow(
      'the bundle was altered',
    );
    await expect(openBundle(`${headerLine}\n`, passphrase)).rejects.toThrow('cut short');
    await expect(openBundle('hello\nworld\n', passphrase)).rejects.toThrow('not JSON');
  });

  it('refuses unsafe key-derivation settings and short passphrases', async () => {
    const bundle = await sealBundle(credentials, passphrase);
    const weak = bundle.replace(/"N":\d+/, '"N":2');
    await expect(openBundle(weak, passphrase)).rejects.toThrow('unsafe key-derivation');
    await expect(sealBundle(credentials, 'short')).rejects.toThrow('at least 12 characters');
  });
});
