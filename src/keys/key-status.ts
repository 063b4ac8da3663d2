import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Like } from 'typeorm';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { KeyCustody } from './key-custody';
import { envelopeKey } from './key-hierarchy-encryption.provider';
import { VaultMetaEntity } from './vault-meta.entity';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';
import { InjectVaultDataSource } from '../core/vault-data-source';

export interface KeyStatus {
  readonly provider: string;
  readonly source: string;
  readonly masterKeys: {
    kid: string;
    isActive: boolean;
    isPresent: boolean;
    createdAt?: string;
    dataKeys: number;
    /** First-release rows encrypted directly with this key. */
    legacyRows: number;
  }[];
  readonly dataKeys: {
    workspaceId: string;
    version: number;
    masterKeyId: string;
    createdAt: string;
    isCurrent: boolean;
    rows: number;
  }[];
  /** Interrupted `keys:rotate-data` runs: rerun it to finish them. */
  readonly rotationsInProgress: { workspaceId: string; version: number }[];
  readonly legacyRows: number;
}

/** `keys:status`: which keys exist and what uses them. Ids and counts only, never material. */
@Injectable()
export class KeyStatusReport {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly custody: KeyCustody,
    @Inject(CredentialCiphertexts) private readonly credentials: CredentialCiphertexts,
  ) {}

  async status(): Promise<KeyStatus> {
    const { dataSource } = this;
    const { hierarchy: keys, source } = this.custody.opened;
    const provider = keys.masterKeys;
    const active = await keys.activeMasterKeyId();
    const listed = await provider.listKeys();
    const dataKeyRows = await dataSource
      .getRepository(WorkspaceDataKeyEntity)
      .find({ order: { workspaceId: 'ASC', version: 'ASC' } });
    const meta = await dataSource
      .getRepository(VaultMetaEntity)
      .find({ where: [{ key: Like('master-key-created:%') }, { key: Like('rotate-data:%') }] });
    const metaValue = (key: string) => meta.find((row) => row.key === key)?.value;

    const rowsPerDataKey = new Map<string, number>();
    const rowsPerLegacyKey = new Map<string, number>();
    let legacyRows = 0;
    await this.credentials.scan({ batchSize: 2000 }, (batch) => {
      for (const row of batch) {
        const key = envelopeKey(row.encryptedData);
        if (key.kind === 'data-key') {
          const id = `${row.workspaceId}@v${key.version}`;
          rowsPerDataKey.set(id, (rowsPerDataKey.get(id) ?? 0) + 1);
        } else if (key.kind === 'legacy') {
          legacyRows++;
          rowsPerLegacyKey.set(key.legacyKeyId, (rowsPerLegacyKey.get(key.legacyKeyId) ?? 0) + 1);
        }
      }
      return Promise.resolve();
    });

    const kids = new Set([
      ...listed.map((key) => key.kid),
      ...dataKeyRows.map((row) => row.masterKeyId),
    ]);
    const newest = new Map<string, number>();
    for (const row of dataKeyRows) {
      newest.set(row.workspaceId, Math.max(newest.get(row.workspaceId) ?? 0, row.version));
    }
    return {
      provider: provider.name,
      source,
      masterKeys: [...kids].sort().map((kid) => {
        const info = listed.find((key) => key.kid === kid);
        const legacyKeyId = provider.legacyKeyIdOf?.(kid);
        return {
          kid,
          isActive: kid === active,
          isPresent: info !== undefined,
          createdAt: info?.createdAt?.toISOString() ?? metaValue(`master-key-created:${kid}`),
          dataKeys: dataKeyRows.filter((row) => row.masterKeyId === kid).length,
          legacyRows: legacyKeyId === undefined ? 0 : (rowsPerLegacyKey.get(legacyKeyId) ?? 0),
        };
      }),
      dataKeys: dataKeyRows.map((row) => ({
        workspaceId: row.workspaceId,
        version: row.version,
        masterKeyId: row.masterKeyId,
        createdAt: row.createdAt.toISOString(),
        isCurrent: newest.get(row.workspaceId) === row.version,
        rows: rowsPerDataKey.get(`${row.workspaceId}@v${row.version}`) ?? 0,
      })),
      rotationsInProgress: meta
        .filter((row) => row.key.startsWith('rotate-data:'))
        .map((row) => ({
          workspaceId: row.key.slice('rotate-data:'.length),
          version: Number(row.value),
        })),
      legacyRows,
    };
  }
}
