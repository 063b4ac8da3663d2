import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { encryptionContextOf } from '../core/encryption.provider';
import { readKeyCanary, verifyKeyCanary } from './key-canary';
import { KeyCustody } from './key-custody';
import { envelopeKey } from './key-hierarchy-encryption.provider';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';
import { InjectVaultDataSource } from '../core/vault-data-source';

export interface VerifyResult {
  readonly rows: number;
  readonly decrypted: number;
  /** `ok`, `missing`, or why the canary did not decrypt. */
  readonly canary: string;
  /** Rows per master key (first-release rows count under the key that encrypted them). */
  readonly byMasterKey: Record<string, number>;
  /** Rows per data-key version, as `<workspaceId>@v<version>`, and `legacy:<keyId>`. */
  readonly byDataKey: Record<string, number>;
  readonly failures: { id: string; workspaceId: string; reason: string }[];
}

/** `keys:verify`: decrypts every row (the plaintext is dropped at once) and counts per key. */
@Injectable()
export class KeyVerification {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly custody: KeyCustody,
    @Inject(CredentialCiphertexts) private readonly credentials: CredentialCiphertexts,
  ) {}

  async verify(options: {
    batchSize: number;
    onProgress?: (done: number, total: number) => void;
  }): Promise<VerifyResult> {
    const { dataSource, credentials } = this;
    const encryption = this.custody.opened.encryption;
    const total = await credentials.count();
    const wrappedBy = new Map<string, string>();
    for (const row of await dataSource.getRepository(WorkspaceDataKeyEntity).find()) {
      wrappedBy.set(`${row.workspaceId}@v${row.version}`, row.masterKeyId);
    }
    const provider = encryption.keys.masterKeys;
    const legacyOwner = new Map<string, string>();
    for (const { kid } of await provider.listKeys()) {
      const legacyKeyId = provider.legacyKeyIdOf?.(kid);
      if (legacyKeyId !== undefined) {
        legacyOwner.set(legacyKeyId, kid);
      }
    }
    const byMasterKey: Record<string, number> = {};
    const byDataKey: Record<string, number> = {};
    const failures: VerifyResult['failures'] = [];
    let rows = 0;
    let decrypted = 0;
    await credentials.scan({ batchSize: options.batchSize }, async (batch) => {
      for (const row of batch) {
        rows++;
        const key = envelopeKey(row.encryptedData);
        const dataKey =
          key.kind === 'data-key'
            ? `${row.workspaceId}@v${key.version}`
            : key.kind === 'legacy'
              ? `legacy:${key.legacyKeyId}`
              : 'unknown format';
        byDataKey[dataKey] = (byDataKey[dataKey] ?? 0) + 1;
        try {
          await encryption.decrypt(row.encryptedData, encryptionContextOf(row));
          decrypted++;
          const masterKey =
            key.kind === 'data-key'
              ? wrappedBy.get(dataKey)
              : key.kind === 'legacy'
                ? legacyOwner.get(key.legacyKeyId)
                : undefined;
          const label = masterKey ?? '(unknown)';
          byMasterKey[label] = (byMasterKey[label] ?? 0) + 1;
        } catch (error) {
          failures.push({
            id: row.id,
            workspaceId: row.workspaceId,
            reason: (error as Error).message,
          });
        }
      }
      options.onProgress?.(rows, total);
    });
    const stored = await readKeyCanary(dataSource.manager);
    let canary = 'missing';
    if (stored !== undefined) {
      try {
        await verifyKeyCanary(encryption, stored);
        canary = 'ok';
      } catch (error) {
        canary = (error as Error).message;
      }
    }
    return { rows, decrypted, canary, byMasterKey, byDataKey, failures };
  }
}
