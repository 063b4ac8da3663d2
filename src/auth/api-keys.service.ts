import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnModuleInit,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { ApiKeyEntity } from './api-key.entity';
import { Permission } from '../core/permissions';
import { Principal } from '../core/principal';
import { WorkspaceLifecycle, WorkspaceParticipant } from '../core/workspace-lifecycle';

/** Every API key starts with this, so secret scanners can recognise a leaked one. */
export const API_KEY_PREFIX = 'cvk_';
/** How much of a key lists show: the prefix and 8 random characters. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
/** `lastUsedAt` is written at most this often per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a verified key is trusted without asking the database again. Revocation on this
 * replica is immediate; on the others it is seen within this time (the issue allows 5 s).
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
 * for `API_KEY_CACHE_TTL_MS` (3 s), so a revoked key is refused within that on every replica
 * (at once on the one that revoked it) and an expired one exactly at its expiry.
 */
@Injectable()
export class ApiKeysService implements WorkspaceParticipant, OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private readonly hmacKey: Buffer;
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly verified = new Map<string, CachedKey>();

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly lifecycle: WorkspaceLifecycle,
  ) {
    this.hmacKey =
      options.apiKeySecret ??
      Buffer.from(hkdfSync('sha256', options.jwtSecret, '', 'credential-vault api-key hmac', 32));
  }

  onModuleInit(): void {
    this.lifecycle.register(this);
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
    await this.keys.insert(row);
    this.logger.log(`API key ${row.id} created in workspace ${workspaceId}`);
    return { row, key };
  }

  list(workspaceId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { workspaceId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async revoke(workspaceId: string, id: string): Promise<void> {
    const result = isUUID(id)
      ? await this.keys.delete({ id: id.toLowerCase(), workspaceId })
      : undefined;
    if (result?.affected !== 1) {
      throw new NotFoundException(isUUID(id) ? `API key ${id} not found` : 'API key not found');
    }
    for (const [hash, cached] of this.verified) {
      if (cached.principal.userId === `api-key:${id.toLowerCase()}`) {
        this.verified.delete(hash);
      }
    }
    this.logger.log(`API key ${id} revoked in workspace ${workspaceId}`);
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
    let cached = this.verified.get(keyHash);
    if (!cached || cached.cachedUntil <= now) {
      this.verified.delete(keyHash);
      const row = await this.keys.findOneBy({ keyHash });
      if (!row) {
        throw new UnauthorizedException('Invalid API key (unknown or revoked)');
      }
      this.touch(row.id, now);
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
      throw new UnauthorizedException('API key expired');
    }
    return cached.principal;
  }

  private hash(key: string): string {
    return createHmac('sha256', this.hmacKey).update(key).digest('hex');
  }

  /** Records use without making every request a write: at most once a minute per key. */
  private touch(id: string, now: number): void {
    if (now - (this.lastUsedWrites.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) {
      return;
    }
    this.lastUsedWrites.set(id, now);
    if (this.lastUsedWrites.size > CACHE_MAX_ENTRIES) {
      this.lastUsedWrites.clear();
    }
    this.keys.update({ id }, { lastUsedAt: new Date(now) }).catch((error: unknown) => {
      this.logger.warn(`Could not record the use of API key ${id}: ${(error as Error).message}`);
    });
  }
}
