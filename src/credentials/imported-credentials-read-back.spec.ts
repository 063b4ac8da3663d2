import { expect } from 'expect';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { EncryptionProvider } from '../core/encryption.provider';
import { dataSourceOptions } from '../database/data-source-options';
import { CredentialEntity } from './credential.entity';
import { ImportedCredential } from './credential-transfer.service';
import { ImportedCredentialsReadBack } from './imported-credentials-read-back';

/** Test-only: "ciphertext" is the marked plaintext bound to its row (this file is a temp dir). */
const encryption: EncryptionProvider = {
  encrypt: (plaintext, context) => Promise.resolve(`${context?.credentialId}:${plaintext}`),
  decrypt: (ciphertext, context) =>
    ciphertext.startsWith(`${context?.credentialId}:`)
      ? Promise.resolve(ciphertext.slice(`${context?.credentialId}:`.length))
      : Promise.reject(new Error('authentication failed')),
};

describe('ImportedCredentialsReadBack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-read-back-'));
  let dataSource: DataSource;
  let readBack: ImportedCredentialsReadBack;
  const date = new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 123));
  const original = (n: number, overrides: Partial<ImportedCredential> = {}) => ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    workspaceId: 'ws-a',
    name: `Key ${n}`,
    credentialName: 'openAIApi',
    plainData: { openAIApiKey: `sk-secret-${n}` },
    createdDate: date,
    updatedDate: date,
    ...overrides,
  });
  const store = async (credential: ImportedCredential, encryptedData?: string) => {
    const { plainData, ...row } = credential;
    const context = { workspaceId: row.workspaceId, credentialId: row.id };
    await dataSource.getRepository(CredentialEntity).insert({
      ...row,
      encryptedData:
        encryptedData ?? (await encryption.encrypt(JSON.stringify(plainData), context)),
      version: 1,
    });
  };

  before(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ sqlitePath: join(dir, 'credentials.sqlite') } as AppConfig),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
    readBack = new ImportedCredentialsReadBack(
      dataSource.getRepository(CredentialEntity),
      encryption,
    );
  });
  after(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes what reads back as imported, and says which differ and why, never with a value', async () => {
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store(original(n))));
    await store(original(7), 'not a ciphertext of this row');
    const failures = await readBack.failures([
      original(1),
      original(2, { name: 'Other name' }),
      original(3, { plainData: { openAIApiKey: 'sk-other' } }),
      original(4, { updatedDate: new Date(date.getTime() + 1) }),
      original(5, { workspaceId: 'ws-b' }),
      original(6, { credentialName: 'anthropicApi' }),
      original(7),
      original(8),
    ]);
    expect(failures).toEqual([
      { id: original(2).id, reason: 'differs from its original' },
      { id: original(3).id, reason: 'differs from its original' },
      { id: original(4).id, reason: 'differs from its original' },
      { id: original(5).id, reason: `Credential ${original(5).id} not found` },
      { id: original(6).id, reason: 'differs from its original' },
      { id: original(7).id, reason: "does not decrypt under this vault's keys" },
      { id: original(8).id, reason: `Credential ${original(8).id} not found` },
    ]);
    expect(JSON.stringify(failures)).not.toContain('sk-');
  });
});
