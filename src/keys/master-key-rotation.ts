import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { CredentialCiphertexts } from '../core/credential-ciphertexts';
import { readKeyCanary } from './key-canary';
import { InvalidationBus } from '../core/invalidation-bus';
import { VaultTelemetry } from '../core/vault-telemetry';
import { KeyCustody } from './key-custody';
import { KeyHierarchy } from './key-hierarchy';
import { KeyOperationEvents } from './key-operation-events';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { newMasterKeyId } from './local-keyring.provider';
import { VaultMetaEntity } from './vault-meta.entity';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';

export interface RotateMasterResult {
  readonly kid: string;
  readonly created: boolean;
  readonly rewrapped: number;
  readonly failures: { workspaceId: string; version: number; reason: string }[];
}

export interface RetireResult {
  readonly retired: boolean;
  /** What still uses the key (empty when retired). */
  readonly uses: string[];
  readonly message: string;
}

const BATCH = 200;

/** Records when the vault first saw a master key, for `keys:status`. */
export async function recordMasterKeySeen(dataSource: DataSource, kid: string, at = new Date()) {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(VaultMetaEntity)
    .values({ key: `master-key-created:${kid}`, value: at.toISOString() })
    .orIgnore()
    .execute();
}

/** `keys:rotate-master` and `keys:retire`: only data keys change, never credential rows. */
@Injectable()
export class MasterKeyRotation {
  constructor(
    private readonly custody: KeyCustody,
    @Inject(CredentialCiphertexts) private readonly credentials: CredentialCiphertexts,
    private readonly bus: InvalidationBus,
    private readonly telemetry: VaultTelemetry,
    private readonly events: KeyOperationEvents,
  ) {}

  private get keys(): KeyHierarchy {
    return this.custody.opened.hierarchy;
  }

  private get dataSource(): DataSource {
    return this.keys.dataSource;
  }

  /**
   * Makes `kid` (or a new key) active and rewraps every data key under it. With ENCRYPTION_KEYS
   * the operator chooses the active key by putting it first; then `kid` may only confirm it.
   */
  async rotate(requestedKid?: string): Promise<RotateMasterResult> {
    const provider = this.keys.masterKeys;
    const configured = provider.configuredActiveKeyId();
    let kid: string;
    let created = false;
    if (configured !== undefined) {
      if (requestedKid !== undefined && requestedKid !== configured) {
        throw new Error(
          `The active master key is the first one in the keyring (${configured}). Put ` +
            `${requestedKid} first in it on every replica, restart them, then run this again.`,
        );
      }
      kid = configured;
      await this.started(kid, false);
    } else {
      kid = requestedKid ?? newMasterKeyId();
      const exists = (await provider.listKeys()).some((key) => key.kid === kid);
      await this.started(kid, !exists);
      if (!exists) {
        if (!provider.createKey) {
          throw new Error(`The ${provider.name} key provider cannot create master key ${kid}`);
        }
        await provider.createKey(kid).catch((error: unknown) => this.failed(kid, error));
        created = true;
      }
      await this.keys.recordActiveMasterKeyId(kid);
    }
    await recordMasterKeySeen(this.dataSource, kid);
    const { rewrapped, failures } = await this.rewrapAll(kid);
    await this.bus.publish({ type: 'data-keys-changed', workspaceId: null });
    this.telemetry.keyOperation('master_key_rotation');
    await this.events.record({
      action: AUDIT_ACTIONS.masterRotationFinished,
      workspaceId: null,
      target: masterKey(kid),
      outcome: failures.length > 0 ? 'error' : 'success',
      details: { created, rewrapped, failures: failures.length },
    });
    return { kid, created, rewrapped, failures };
  }

  /** Fail closed: a rotation the trail cannot record does not start. */
  private started(kid: string, creates: boolean): Promise<void> {
    return this.events.record({
      action: AUDIT_ACTIONS.masterRotationStarted,
      workspaceId: null,
      target: masterKey(kid),
      details: { created: creates },
    });
  }

  private async failed(kid: string, error: unknown): Promise<never> {
    await this.events.record({
      action: AUDIT_ACTIONS.masterRotationFinished,
      workspaceId: null,
      target: masterKey(kid),
      outcome: 'error',
    });
    throw error;
  }

  private async rewrapAll(
    kid: string,
  ): Promise<Pick<RotateMasterResult, 'rewrapped' | 'failures'>> {
    const rows = this.dataSource.getRepository(WorkspaceDataKeyEntity);
    const failures: RotateMasterResult['failures'] = [];
    const failed = (row: WorkspaceDataKeyEntity) =>
      failures.some((f) => f.workspaceId === row.workspaceId && f.version === row.version);
    let rewrapped = 0;
    for (;;) {
      const batch = (
        await rows.find({ where: { masterKeyId: Not(kid) }, take: BATCH + failures.length })
      ).filter((row) => !failed(row));
      if (batch.length === 0) {
        return { rewrapped, failures };
      }
      for (const row of batch.slice(0, BATCH)) {
        try {
          // false: another process rewrapped it first; the next query shows what is left.
          if (await this.keys.rewrap(row, kid)) {
            rewrapped++;
          }
        } catch (error) {
          failures.push({
            workspaceId: row.workspaceId,
            version: row.version,
            reason: (error as Error).message,
          });
        }
      }
    }
  }

  /** Retires a master key only when nothing uses it; otherwise says what does. */
  async retire(kid: string): Promise<RetireResult> {
    const provider = this.keys.masterKeys;
    if (!(await provider.listKeys()).some((key) => key.kid === kid)) {
      throw new Error(`Master key ${kid} is not in the keyring`);
    }
    const uses: string[] = [];
    if ((await this.keys.activeMasterKeyId()) === kid) {
      uses.push('it is the active master key (run keys:rotate-master first)');
    }
    const wrapped = await this.dataSource
      .getRepository(WorkspaceDataKeyEntity)
      .find({ select: ['workspaceId', 'version'], where: { masterKeyId: kid } });
    if (wrapped.length > 0) {
      const workspaces = [...new Set(wrapped.map((row) => row.workspaceId || '(vault canary)'))];
      uses.push(
        `it wraps ${wrapped.length} data key(s) of ${workspaces.length} workspace(s), e.g. ` +
          `${workspaces.slice(0, 5).join(', ')} (run keys:rotate-master)`,
      );
    }
    const legacyKeyId = provider.legacyKeyIdOf?.(kid);
    if (legacyKeyId !== undefined) {
      const rows = await this.credentials.countWithPrefix(`v1.${legacyKeyId}.`);
      if (rows > 0) {
        uses.push(
          `${rows} credential(s) are still in the first-release format under it ` +
            '(run keys:rotate-data --all)',
        );
      }
      if ((await readKeyCanary(this.dataSource.manager))?.startsWith(`v1.${legacyKeyId}.`)) {
        uses.push('the key canary is still encrypted with it (start a server once)');
      }
    }
    await this.events.record({
      action: AUDIT_ACTIONS.masterKeyRetired,
      workspaceId: null,
      target: masterKey(kid),
      outcome: uses.length > 0 ? 'denied' : 'success',
      details: { uses: uses.length },
    });
    if (uses.length > 0) {
      return {
        retired: false,
        uses,
        message: `Master key ${kid} is still in use: ${uses.join('; ')}.`,
      };
    }
    const message = provider.destroyKey
      ? `Master key ${kid} retired. ${await provider.destroyKey(kid)}`
      : (provider.retireAdvice?.(kid) ??
        `Nothing uses master key ${kid}: it is safe to remove it.`);
    this.telemetry.keyOperation('master_key_retired');
    return { retired: true, uses, message };
  }
}

function masterKey(kid: string): { type: string; id: string } {
  return { type: 'masterKey', id: kid };
}
