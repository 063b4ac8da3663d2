import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { VaultMetaEntity } from './vault-meta.entity';
import { WorkspaceDeletedError } from '../core/errors';
import { MasterKeyProvider } from './master-key.provider';
import { WorkspaceDataKeyEntity } from './workspace-data-key.entity';
import { SilentVaultTelemetry, VaultTelemetry } from '../core/vault-telemetry';

export const ACTIVE_MASTER_KEY = 'master-key-active';
/**
 * How long a process trusts its idea of a workspace's newest data-key version before asking the
 * database again, so that writes pick up `keys:rotate-data` from another process. The rotation
 * sweeps again after waiting longer than this.
 */
export const CURRENT_VERSION_TTL_MS = 2000;

export interface DataKey {
  readonly version: number;
  readonly key: KeyObject;
}

/**
 * Master key -> per-workspace data key -> credential. Unwrapped data keys stay in memory for the
 * life of the process (one unwrap per workspace and version), never anywhere else; a version
 * this process has not seen is loaded from the database on demand.
 */
export class KeyHierarchy {
  private readonly dataKeys = new Map<string, Promise<KeyObject>>();
  private readonly newest = new Map<string, { version: number; checkedAt: number }>();
  private readonly rows: Repository<WorkspaceDataKeyEntity>;
  private readonly meta: Repository<VaultMetaEntity>;

  constructor(
    readonly dataSource: DataSource,
    readonly masterKeys: MasterKeyProvider,
    private readonly currentVersionTtlMs = CURRENT_VERSION_TTL_MS,
    /** Whether a workspace was deleted: it must never get a data key again. */
    private readonly isDeleted: (workspaceId: string) => Promise<boolean> = () =>
      Promise.resolve(false),
    /** Another table to read data keys from: its old name, before migrations renamed it. */
    private readonly legacyDataKeyTable?: string,
    private readonly telemetry: VaultTelemetry = new SilentVaultTelemetry(),
  ) {
    this.rows = dataSource.getRepository(WorkspaceDataKeyEntity);
    this.meta = dataSource.getRepository(VaultMetaEntity);
  }

  /** The newest data key of a workspace, made (version 1) on its first write. */
  async currentDataKey(workspaceId: string): Promise<DataKey> {
    const cached = this.newest.get(workspaceId);
    let version: number;
    if (cached && Date.now() - cached.checkedAt < this.currentVersionTtlMs) {
      version = cached.version;
    } else {
      version =
        (await this.latestVersion(workspaceId)) ?? (await this.createVersion(workspaceId, 1));
      this.newest.set(workspaceId, { version, checkedAt: Date.now() });
    }
    return { version, key: await this.dataKey(workspaceId, version) };
  }

  /** One version of a workspace's data key, unwrapped once per process. */
  dataKey(workspaceId: string, version: number): Promise<KeyObject> {
    const cacheKey = `${version}:${workspaceId}`;
    let key = this.dataKeys.get(cacheKey);
    if (!key) {
      key = this.loadDataKey(workspaceId, version);
      this.dataKeys.set(cacheKey, key);
      key.catch(() => this.dataKeys.delete(cacheKey));
    }
    return key;
  }

  async latestVersion(workspaceId: string): Promise<number | undefined> {
    const raw = await this.rows
      .createQueryBuilder('dataKey')
      .select('MAX(dataKey.version)', 'version')
      .where('dataKey.workspaceId = :workspaceId', { workspaceId })
      .getRawOne<{ version: number | string | null }>();
    return raw?.version === null || raw?.version === undefined ? undefined : Number(raw.version);
  }

  /**
   * Adds a data-key version (by default the next one) wrapped by the active master key. When
   * another process adds the same version first, theirs is kept and used.
   */
  async createVersion(workspaceId: string, version?: number): Promise<number> {
    if (await this.isDeleted(workspaceId)) {
      throw new WorkspaceDeletedError(`Workspace ${workspaceId} was deleted`);
    }
    const next = version ?? ((await this.latestVersion(workspaceId)) ?? 0) + 1;
    const masterKeyId = await this.activeMasterKeyId();
    const raw = randomBytes(32);
    try {
      const wrappedKey = await this.masterKeys.wrap(
        masterKeyId,
        raw,
        dataKeyAad(workspaceId, next, masterKeyId),
      );
      await this.rows
        .createQueryBuilder()
        .insert()
        .into(WorkspaceDataKeyEntity)
        .values({ workspaceId, version: next, masterKeyId, wrappedKey, createdAt: new Date() })
        .orIgnore()
        .execute();
    } finally {
      raw.fill(0);
    }
    this.telemetry.keyOperation('data_key_created');
    this.newest.delete(workspaceId);
    return next;
  }

  /**
   * Rewraps one stored data key under another master key. Returns false when another process
   * changed the row first (the caller reads it again).
   */
  async rewrap(row: WorkspaceDataKeyEntity, toMasterKeyId: string): Promise<boolean> {
    const { workspaceId, version, masterKeyId, wrappedKey } = row;
    const raw = await this.masterKeys.unwrap(
      masterKeyId,
      wrappedKey,
      dataKeyAad(workspaceId, version, masterKeyId),
    );
    try {
      const rewrapped = await this.masterKeys.wrap(
        toMasterKeyId,
        raw,
        dataKeyAad(workspaceId, version, toMasterKeyId),
      );
      const result = await this.rows.update(
        { workspaceId, version, masterKeyId, wrappedKey },
        { masterKeyId: toMasterKeyId, wrappedKey: rewrapped },
      );
      if (result.affected === 1) {
        this.telemetry.keyOperation('data_key_rewrapped');
      }
      return result.affected === 1;
    } finally {
      raw.fill(0);
    }
  }

  /** Whether this process holds an unwrapped data key (or its version) of the workspace. */
  holdsKeysOf(workspaceId: string): boolean {
    return (
      this.newest.has(workspaceId) ||
      [...this.dataKeys.keys()].some((cacheKey) => cacheKey.endsWith(`:${workspaceId}`))
    );
  }

  /** Drops what this process cached about a workspace's keys. */
  forget(workspaceId: string): void {
    this.newest.delete(workspaceId);
    for (const cacheKey of [...this.dataKeys.keys()]) {
      if (cacheKey.slice(cacheKey.indexOf(':') + 1) === workspaceId) {
        this.dataKeys.delete(cacheKey);
      }
    }
  }

  /** Drops every cached data key and version (another process rotated or rewrapped them). */
  forgetAll(): void {
    this.newest.clear();
    this.dataKeys.clear();
  }

  /** The configuration's choice (ENCRYPTION_KEYS), else the one the database records. */
  async activeMasterKeyId(): Promise<string> {
    const configured = this.masterKeys.configuredActiveKeyId();
    if (configured !== undefined) {
      return configured;
    }
    const recorded = await this.recordedActiveMasterKeyId();
    if (recorded === undefined) {
      throw new Error('No master key is recorded as active: run keys:rotate-master');
    }
    return recorded;
  }

  async recordedActiveMasterKeyId(): Promise<string | undefined> {
    return (await this.meta.findOneBy({ key: ACTIVE_MASTER_KEY }))?.value;
  }

  async recordActiveMasterKeyId(kid: string): Promise<void> {
    await this.meta.upsert({ key: ACTIVE_MASTER_KEY, value: kid }, ['key']);
  }

  private async findLegacyRow(
    table: string,
    workspaceId: string,
    version: number,
  ): Promise<Pick<WorkspaceDataKeyEntity, 'masterKeyId' | 'wrappedKey'> | undefined> {
    const { driver } = this.dataSource;
    const [row] = await this.dataSource.query<WorkspaceDataKeyEntity[]>(
      `SELECT ${driver.escape('masterKeyId')}, ${driver.escape('wrappedKey')}` +
        ` FROM ${driver.escape(table)} WHERE ${driver.escape('workspaceId')} = ` +
        `${driver.createParameter('workspaceId', 0)} AND ${driver.escape('version')} = ` +
        driver.createParameter('version', 1),
      [workspaceId, version],
    );
    return row;
  }

  private async loadDataKey(workspaceId: string, version: number): Promise<KeyObject> {
    const row = this.legacyDataKeyTable
      ? await this.findLegacyRow(this.legacyDataKeyTable, workspaceId, version)
      : await this.rows.findOneBy({ workspaceId, version });
    if (!row) {
      throw new Error(`Data key version ${version} of workspace ${workspaceId} does not exist`);
    }
    const raw = await this.masterKeys
      .unwrap(row.masterKeyId, row.wrappedKey, dataKeyAad(workspaceId, version, row.masterKeyId))
      .catch((error: unknown) => {
        this.telemetry.keyOperation('data_key_unwrap_failed');
        throw error;
      });
    this.telemetry.keyOperation('data_key_unwrapped');
    try {
      return createSecretKey(raw);
    } finally {
      raw.fill(0);
    }
  }
}

/** A wrapped data key opens only for the workspace, version and master key it was made for. */
export function dataKeyAad(workspaceId: string, version: number, masterKeyId: string): Buffer {
  return Buffer.from(
    JSON.stringify(['credential-vault data key', workspaceId, version, masterKeyId]),
    'utf8',
  );
}
