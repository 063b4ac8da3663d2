import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnModuleInit,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { isUUID } from 'class-validator';
import { createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { ApiKeyEntity } from './api-key.entity';
import { Permission } from '../core/permissions';
import { Principal } from '../core/principal';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../core/workspace-lifecycle';
import { InvalidationBus, InvalidationEvent, InvalidationListener } from '../core/invalidation-bus';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';
import { SilentVaultTelemetry, VaultTelemetry } from '../core/vault-telemetry';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import { apiKeyEvent } from './api-key-audit-events';
import { AUDIT_ACTIONS } from '../core/audit-actions';

/** Every API key starts with this, so secret scanners can recognise a leaked one. */
export const API_KEY_PREFIX = 'cvk_';
/** How much of a key lists show: the prefix and 8 random characters. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
/** `lastUsedAt` is written at most this often per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a verified key is trusted without asking the database again. A revocation reaches
 * every replica through the invalidation bus at once; this bounds it should a message be lost.
 */
export const API_KEY_CACHE_TTL_MS = 3_000;
const CACHE_MAX_ENTRIES = 10_000;

interface CachedKey {
  principal: Principal;
  expiresAt: number | null;
  cachedUntil: number;
}

export interface NewApiKey {
  name: string;
  permissions: Permission[];
  expiresAt?: Date;
}

/**
 * Workspace API keys for programs. A key holds 256 random bits, so one HMAC-SHA-256 (keyed,
 * so a stolen table cannot be checked offline) and one indexed lookup authenticate it: a slow
 * password hash would buy nothing here and cost every request. A verified key is remembered
 * for `API_KEY_CACHE_TTL_MS` (3 s) at most; a revocation is announced on the invalidation bus,
 * so every replica drops the key at once, and an expired one is refused exactly at its expiry.
 */
@Injectable()
export class ApiKeysService implements WorkspaceParticipant, InvalidationListener, OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private readonly hmacKey: Buffer;
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly verified = new Map<string, CachedKey>();

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @InjectVaultRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly lifecycle: WorkspaceLifecycle,
    private readonly bus: InvalidationBus,
    private readonly audit: AuditRecorder,
    private readonly telemetry: VaultTelemetry = new SilentVaultTelemetry(),
  ) {
    this.hmacKey =
      options.apiKeySecret ??
      Buffer.from(hkdfSync('sha256', options.jwtSecret, '', 'credential-vault api-key hmac', 32));
  }

  onModuleInit(): void {
    this.lifecycle.register(this);
    this.bus.subscribe(this);
  }

  onInvalidation(event: InvalidationEvent): void {
    if (event.type === 'api-key-revoked') {
      this.forgetKey(event.apiKeyId);
    }
  }

  onResync(): void {
    this.verified.clear();
  }

  static isApiKey(token: string): boolean {
    return token.startsWith(API_KEY_PREFIX);
  }

  async create(
    workspaceId: string,
    createdBy: string,
    input: NewApiKey,
  ): Promise<{ row: ApiKeyEntity; key: string }> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestException('expiresAt must be in the future');
    }
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: ApiKeyEntity = {
      id: randomUUID(),
      workspaceId,
      name: input.name,
      prefix: key.slice(0, SHOWN_LENGTH),
      keyHash: this.hash(key),
      permissions: [...new Set(input.permissions)],
      createdBy,
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
    };
    await this.audit.transaction(
      (em) => em.insert(ApiKeyEntity, row),
      () =>
        apiKeyEvent(AUDIT_ACTIONS.apiKeyCreated, row, {
          permissions: row.permissions,
          expiresAt: row.expiresAt?.toISOString() ?? null,
        }),
    );
    this.logger.log(`API key ${row.id} created in workspace ${workspaceId}`);
    return { row, key };
  }

  list(workspaceId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { workspaceId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async revoke(workspaceId: string, id: string): Promise<void> {
    // Read first for the event's target (a key is never renamed); the transaction then writes
    // before it reads the audit chain, as SQLite's single writer needs across processes.
    const row = isUUID(id)
      ? await this.keys.findOneBy({ id: id.toLowerCase(), workspaceId })
      : null;
    const removed =
      row &&
      (await this.audit.transaction(
        async (em) => (await em.delete(ApiKeyEntity, { id: row.id, workspaceId })).affected === 1,
        (deleted) => (deleted ? apiKeyEvent(AUDIT_ACTIONS.apiKeyRevoked, row) : undefined),
      ));
    if (!removed) {
      throw new NotFoundException(isUUID(id) ? `API key ${id} not found` : 'API key not found');
    }
    await this.bus.publish({ type: 'api-key-revoked', apiKeyId: id.toLowerCase() });
    this.logger.log(`API key ${id} revoked in workspace ${workspaceId}`);
  }

  private forgetKey(id: string): void {
    for (const [hash, cached] of this.verified) {
      if (cached.principal.userId === `api-key:${id}`) {
        this.verified.delete(hash);
      }
    }
  }

  /** A deleted workspace's keys go in its deletion's transaction. */
  async removeWorkspaceRows(workspaceId: string, manager: EntityManager): Promise<void> {
    await manager.delete(ApiKeyEntity, { workspaceId });
  }

  /** Once the deletion committed, this process stops trusting the keys it had verified. */
  workspaceRemoved(workspaceId: string): void {
    for (const [hash, cached] of this.verified) {
      if (cached.principal.workspaceId === workspaceId) {
        this.verified.delete(hash);
      }
    }
  }

  /** The caller a bearer API key stands for; 401 when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal> {
    const keyHash = this.hash(key);
    const now = Date.now();
    // Without the channel, a revocation elsewhere may go unheard: ask the database every time.
    let cached = this.bus.isHealthy() ? this.verified.get(keyHash) : undefined;
    if (!cached || cached.cachedUntil <= now) {
      this.verified.delete(keyHash);
      const row = await this.keys.findOneBy({ keyHash });
      if (!row) {
        this.telemetry.authFailed('bad_api_key');
        throw new UnauthorizedException('Invalid API key (unknown or revoked)');
      }
      if (!isWorkspaceId(row.workspaceId)) {
        this.telemetry.authFailed('bad_api_key');
        throw new UnauthorizedException(`API key's workspace id must be ${WORKSPACE_ID_RULE}`);
      }
      this.touch(row, now);
      cached = {
        principal: {
          userId: `api-key:${row.id}`,
          workspaceId: row.workspaceId,
          permissions: row.permissions,
          via: 'api-key',
        },
        expiresAt: row.expiresAt?.getTime() ?? null,
        cachedUntil: now + API_KEY_CACHE_TTL_MS,
      };
      if (this.verified.size >= CACHE_MAX_ENTRIES) {
        this.verified.clear();
      }
      this.verified.set(keyHash, cached);
    }
    if (cached.expiresAt !== null && cached.expiresAt <= now) {
      this.telemetry.authFailed('expired_api_key');
      throw new UnauthorizedException('API key expired');
    }
    return cached.principal;
  }

  private hash(key: string): string {
    return createHmac('sha256', this.hmacKey).update(key).digest('hex');
  }

  /**
   * Records use without making every request a write: at most once a minute per key. A key never
   * used before gets its `apiKey.firstUsed` event with that first write, once (the update
   * claims `lastUsedAt IS NULL`, so of racing replicas only one records it).
   */
  private touch(row: ApiKeyEntity, now: number): void {
    const id = row.id;
    if (now - (this.lastUsedWrites.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) {
      return;
    }
    this.lastUsedWrites.set(id, now);
    if (this.lastUsedWrites.size > CACHE_MAX_ENTRIES) {
      this.lastUsedWrites.clear();
    }
    const lastUsedAt = new Date(now);
    const write =
      row.lastUsedAt === null
        ? this.audit.transaction(
            (em) => em.update(ApiKeyEntity, { id, lastUsedAt: IsNull() }, { lastUsedAt }),
            (result) => (result.affected === 1 ? firstUse(row) : undefined),
          )
        : this.keys.update({ id }, { lastUsedAt });
    write.catch((error: unknown) => {
      this.lastUsedWrites.delete(id);
      this.logger.warn(`Could not record the use of API key ${id}: ${(error as Error).message}`);
    });
  }
}

/** The first use is the key's own doing. */
function firstUse(row: ApiKeyEntity): AuditEventInput {
  return apiKeyEvent(AUDIT_ACTIONS.apiKeyFirstUsed, row, undefined, { type: 'apiKey', id: row.id });
}
