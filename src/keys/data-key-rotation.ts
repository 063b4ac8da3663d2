import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import {
  CiphertextReplacement,
  CredentialCiphertexts,
  StoredCiphertext,
} from '../core/credential-ciphertexts';
import { InvalidationBus } from '../core/invalidation-bus';
import { encryptionContextOf } from '../core/encryption.provider';
import { VaultTelemetry } from '../core/vault-telemetry';
import { KeyCustody } from './key-custody';
import { KeyOperationEvents } from './key-operation-events';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { CURRENT_VERSION_TTL_MS } from './key-hierarchy';
import { envelopeKey, KeyHierarchyEncryptionProvider } from './key-hierarchy-encryption.provider';
import { VaultMetaEntity } from './vault-meta.entity';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';
import { InjectVaultDataSource } from '../core/vault-data-source';

export interface RotateDataOptions {
  /** One workspace, or every workspace when undefined. */
  readonly workspaceId?: string;
  readonly batchSize: number;
  /** A pause after each batch, to leave the database to the servers on a busy system. */
  readonly throttleMs?: number;
  /** Called after each batch with rows done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * How long to wait before the last sweep, so that servers which cached the previous version
   * (for at most `CURRENT_VERSION_TTL_MS`) have moved to the new one.
   */
  readonly settleMs?: number;
}

export interface WorkspaceRotation {
  readonly workspaceId: string;
  readonly version: number;
  readonly resumed: boolean;
  reencrypted: number;
}

export interface RotateDataResult {
  readonly workspaces: WorkspaceRotation[];
  /** Rows that could not be decrypted (left as they were), by id. */
  readonly failures: { id: string; workspaceId: string; reason: string }[];
}

const MAX_SWEEPS = 5;
const markerKey = (workspaceId: string) => `rotate-data:${workspaceId}`;

/**
 * `keys:rotate-data`: a new data-key version per workspace, then every row re-encrypted to it
 * in batches while servers keep serving. Each row is replaced only if nobody changed it since
 * it was read, and both versions stay readable throughout, so a crash at any point leaves every
 * row readable. The target version is recorded until the rotation finishes, so a rerun resumes
 * it (rows already there are skipped) instead of starting another.
 */
@Injectable()
export class DataKeyRotation {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly custody: KeyCustody,
    @Inject(CredentialCiphertexts) private readonly credentials: CredentialCiphertexts,
    private readonly bus: InvalidationBus,
    private readonly telemetry: VaultTelemetry,
    private readonly events: KeyOperationEvents,
  ) {}

  private get encryption(): KeyHierarchyEncryptionProvider {
    return this.custody.opened.encryption;
  }

  async rotate(options: RotateDataOptions): Promise<RotateDataResult> {
    const workspaceIds =
      options.workspaceId !== undefined ? [options.workspaceId] : await this.workspaceIds();
    const total = await this.credentials.count(options.workspaceId);
    let done = 0;
    const progress = (rows: number) => {
      done += rows;
      options.onProgress?.(Math.min(done, total), total);
    };
    options.onProgress?.(0, total);
    const workspaces: WorkspaceRotation[] = [];
    const failures: RotateDataResult['failures'] = [];
    for (const workspaceId of workspaceIds) {
      const { version, resumed } = await this.startOrResume(workspaceId);
      // Fail closed: a workspace whose rotation the trail cannot record is not re-encrypted.
      await this.events.record({
        action: AUDIT_ACTIONS.dataRotationStarted,
        workspaceId,
        target: dataKey(workspaceId, version),
        details: { version, resumed },
      });
      const reencrypted = await this.pass(workspaceId, version, options, failures, progress);
      workspaces.push({ workspaceId, version, resumed, reencrypted });
    }
    // One wait for all workspaces: by its end every server writes the new versions.
    await sleep(options.settleMs ?? CURRENT_VERSION_TTL_MS + 500);
    for (const workspace of workspaces) {
      for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
        const again = await this.pass(workspace.workspaceId, workspace.version, options, failures);
        workspace.reencrypted += again;
        if (again === 0) {
          break;
        }
      }
      const failed = failures.filter((f) => f.workspaceId === workspace.workspaceId).length;
      if (failed === 0) {
        await this.dataSource
          .getRepository(VaultMetaEntity)
          .delete({ key: markerKey(workspace.workspaceId) });
      }
      await this.events.record({
        action: AUDIT_ACTIONS.dataRotationFinished,
        workspaceId: workspace.workspaceId,
        target: dataKey(workspace.workspaceId, workspace.version),
        outcome: failed > 0 ? 'error' : 'success',
        details: {
          version: workspace.version,
          reencrypted: workspace.reencrypted,
          failures: failed,
        },
      });
    }
    this.telemetry.keyOperation('data_key_rotation');
    return { workspaces, failures };
  }

  /** Every workspace that has credentials or data keys (not the vault's own canary key). */
  private async workspaceIds(): Promise<string[]> {
    const withDataKeys = await this.dataSource
      .getRepository(WorkspaceDataKeyEntity)
      .createQueryBuilder('dataKey')
      .select('DISTINCT dataKey.workspaceId', 'workspaceId')
      .getRawMany<{ workspaceId: string }>();
    const ids = new Set([
      ...(await this.credentials.workspaceIds()),
      ...withDataKeys.map((row) => row.workspaceId),
    ]);
    ids.delete('');
    return [...ids].sort();
  }

  /** The rotation that a crash interrupted, or a new data-key version. */
  private async startOrResume(workspaceId: string): Promise<{ version: number; resumed: boolean }> {
    const meta = this.dataSource.getRepository(VaultMetaEntity);
    const marker = await meta.findOneBy({ key: markerKey(workspaceId) });
    const latest = await this.encryption.keys.latestVersion(workspaceId);
    if (marker && Number(marker.value) === latest) {
      return { version: latest, resumed: true };
    }
    const version = await this.encryption.keys.createVersion(workspaceId);
    await meta.upsert({ key: markerKey(workspaceId), value: String(version) }, ['key']);
    // Servers write with the new version at once instead of after their version cache lapses.
    await this.bus.publish({ type: 'data-keys-changed', workspaceId });
    return { version, resumed: false };
  }

  /** Re-encrypts every row of the workspace not yet under `version`; returns how many. */
  private async pass(
    workspaceId: string,
    version: number,
    options: RotateDataOptions,
    failures: RotateDataResult['failures'],
    progress?: (rows: number) => void,
  ): Promise<number> {
    let reencrypted = 0;
    const batchSize = options.batchSize;
    await this.credentials.scan({ workspaceId, batchSize }, async (batch) => {
      const pending = batch.filter((row) => !isAt(row, version));
      let remaining = pending;
      for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt++) {
        const replacements = await this.reencrypt(remaining, version, failures);
        const lost = await this.credentials.rewrite(replacements);
        reencrypted += replacements.length - lost.length;
        // Changed by a server in between: read again and retry those rows only.
        remaining = lost.length === 0 ? [] : await this.reload(lost, version);
      }
      progress?.(batch.length);
      if (options.throttleMs) {
        await sleep(options.throttleMs);
      }
    });
    return reencrypted;
  }

  private async reencrypt(
    rows: StoredCiphertext[],
    version: number,
    failures: RotateDataResult['failures'],
  ): Promise<CiphertextReplacement[]> {
    const replacements: CiphertextReplacement[] = [];
    for (const row of rows) {
      const context = encryptionContextOf(row);
      try {
        const plaintext = await this.encryption.decrypt(row.encryptedData, context);
        replacements.push({
          row,
          encryptedData: await this.encryption.encryptWithVersion(plaintext, context, version),
        });
      } catch (error) {
        if (!failures.some((failure) => failure.id === row.id)) {
          failures.push({
            id: row.id,
            workspaceId: row.workspaceId,
            reason: (error as Error).message,
          });
        }
      }
    }
    return replacements;
  }

  private async reload(rows: StoredCiphertext[], version: number): Promise<StoredCiphertext[]> {
    const fresh = await this.credentials.reload(rows.map((row) => row.id));
    return fresh.filter((row) => !isAt(row, version));
  }
}

function isAt(row: StoredCiphertext, version: number): boolean {
  const key = envelopeKey(row.encryptedData);
  return key.kind === 'data-key' && key.version === version;
}

/** A workspace's data key of one version, as an audit target. */
function dataKey(workspaceId: string, version: number): { type: string; id: string } {
  return { type: 'dataKey', id: `${workspaceId}/v${version}` };
}
