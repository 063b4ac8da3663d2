import {
  BadRequestException,
  ConflictException,
  GoneException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isUniqueViolation } from '../common/database-errors';
import { KeyedSerializer } from '../common/keyed-serializer';
import { validateInput } from '../common/validation';
import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditRecorder } from '../core/audit-recorder';
import { credentialEvent, keysThatDiffer } from './credential-audit-events';
import { assertSameType, assertStorable, assertVersion } from './credential-rules';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { WorkspaceDeletedError } from '../core/errors';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';
import { VaultTelemetry } from '../core/vault-telemetry';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CredentialFieldDto } from '../credential-types/dto/credential-field.dto';
import { CredentialEntity } from './credential.entity';
import { CredentialPage, CredentialsRepository } from './credentials.repository';
import { CredentialWritesRepository } from './credential-writes.repository';
import { credentialChanged } from './credential-etag';
import { withRowVersion } from './credential-version';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { toCredentialResponse } from './credential-row-mapper';
import { CredentialForEditResponseDto } from './dto/credential-for-edit-response.dto';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { ListCredentialsQueryDto } from './dto/list-credentials-query.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';
import { LastUsedRecorder } from './usages/last-used-recorder';
import {
  EncryptionContext,
  encryptionContextOf,
  EncryptionProvider,
} from '../core/encryption.provider';
import {
  keepsStoredData,
  mergePlainData,
  PlainData,
  withoutRedactedValues,
} from '../core/plain-data';

export const DEFAULT_PAGE_SIZE = 100;
/**
 * Optimistic-concurrency attempts when another process wrote the same row in between; each retry
 * waits a random few milliseconds, so two writers that collided do not collide again in lockstep.
 */
const MAX_UPDATE_ATTEMPTS = 30;
const RETRY_JITTER_MS = 5;

/**
 * The credentials of one workspace at a time: every method takes the workspace id from the
 * verified token and treats another workspace's row exactly like a missing one.
 */
@Injectable()
export class CredentialsService {
  private readonly rowWrites = new KeyedSerializer();

  constructor(
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
    @Inject(CredentialTypesRegistry) private readonly types: CredentialTypesRegistry,
    // Hot reads skip entity hydration through find(); see CredentialsRepository.
    private readonly reads: CredentialsRepository,
    private readonly deleted: DeletedWorkspaces,
    private readonly writes: CredentialWritesRepository,
    private readonly lastUsed: LastUsedRecorder,
    private readonly telemetry: VaultTelemetry,
    private readonly audit: AuditRecorder,
  ) {}

  async list(workspaceId: string, query: ListCredentialsQueryDto = {}): Promise<CredentialPage> {
    this.assertWorkspaceId(workspaceId);
    const paged = query.page !== undefined || query.limit !== undefined;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const page = await this.reads.list(workspaceId, {
      credentialNames: query.credentialName,
      ...(paged ? { limit, offset: ((query.page ?? 1) - 1) * limit } : {}),
    });
    this.telemetry.credentialOperation('list');
    return page;
  }

  async get(workspaceId: string, id: string): Promise<CredentialResponseDto> {
    return toCredentialResponse(await this.findOwned(workspaceId, id));
  }

  /** The credential with its data redacted as Flowise's edit dialog expects it. */
  async getForEdit(workspaceId: string, id: string): Promise<CredentialForEditResponseDto> {
    const row = await this.findOwned(workspaceId, id);
    const plainDataObj = this.types.redact(row.credentialName, await this.decrypt(row));
    this.telemetry.credentialOperation('get');
    return withRowVersion({ ...toCredentialResponse(row), plainDataObj }, row.version);
  }

  /** Validates `input` with the API's rules and messages, whether it came over HTTP or not. */
  async create(workspaceId: string, input: CreateCredentialDto): Promise<CredentialResponseDto> {
    this.assertWorkspaceId(workspaceId);
    const dto = await validateInput(CreateCredentialDto, input);
    const id = dto.id ?? randomUUID();
    const plainData = withoutRedactedValues(dto.plainDataObj);
    assertStorable(plainData);
    this.types.assertValid(dto.credentialName, plainData);
    const now = new Date();
    const row: CredentialEntity = {
      id,
      workspaceId,
      name: dto.name,
      credentialName: dto.credentialName,
      encryptedData: await this.encryptFor(plainData, { workspaceId, credentialId: id }),
      createdDate: now,
      updatedDate: now,
      version: 1,
    };
    try {
      await this.writes.insert(row, credentialEvent(AUDIT_ACTIONS.credentialCreated, row));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`Credential ${id} already exists`);
      }
      throw error;
    }
    this.telemetry.credentialOperation('create');
    return toCredentialResponse(row);
  }

  /**
   * Renames and/or merges secret fields; `input` is validated as `create`'s is. With `ifMatch`
   * (the versions an `If-Match` header accepts) the write happens only at one of those versions,
   * atomically, else 412; without it, concurrent merges are retried so none is lost.
   */
  async update(
    workspaceId: string,
    id: string,
    input: UpdateCredentialDto,
    ifMatch?: number[],
  ): Promise<CredentialResponseDto> {
    this.assertWorkspaceId(workspaceId);
    const dto = await validateInput(UpdateCredentialDto, input);
    if (dto.name === undefined && dto.plainDataObj === undefined) {
      throw new BadRequestException('Nothing to update: send name and/or plainDataObj');
    }
    if (dto.name === undefined && keepsStoredData(dto.plainDataObj)) {
      // Flowise's dialog saves an unchanged credential as `{}` or with every secret echoed back.
      const row = await this.findOwned(workspaceId, id);
      assertVersion(row, ifMatch);
      assertSameType(row, dto);
      this.telemetry.credentialOperation('update');
      return toCredentialResponse(row);
    }
    // Queued per row inside this process; the version check covers writers in other processes.
    return this.rowWrites.run(id.toLowerCase(), async () => {
      for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
        const row = await this.findOwned(workspaceId, id);
        assertVersion(row, ifMatch);
        const { updated, changedKeys } = await this.applyUpdate(row, dto);
        const event = credentialEvent(AUDIT_ACTIONS.credentialUpdated, updated, {
          changedKeys,
          renamed: updated.name !== row.name,
        });
        if (await this.writes.replaceIfVersion(updated, row.version, event)) {
          this.telemetry.credentialOperation('update');
          return toCredentialResponse(updated);
        }
        if (ifMatch !== undefined) {
          throw credentialChanged(id);
        }
        await sleep(Math.random() * RETRY_JITTER_MS * attempt);
      }
      throw new ConflictException(`Credential ${id} is being changed concurrently; try again`);
    });
  }

  /** With `ifMatch` (see `update`), deletes only at one of those versions, atomically. */
  async remove(workspaceId: string, id: string, ifMatch?: number[]): Promise<void> {
    if (ifMatch !== undefined) {
      return this.removeAtVersion(workspaceId, id, ifMatch);
    }
    const row = await this.findOwned(workspaceId, id);
    const event = credentialEvent(AUDIT_ACTIONS.credentialDeleted, row);
    if (!(await this.writes.remove(workspaceId, row.id, event))) {
      throw credentialNotFound(id);
    }
    this.telemetry.credentialOperation('delete');
  }

  /**
   * The decrypted secret fields, for in-process callers of an embedding application (a flow
   * runner). No HTTP endpoint calls this.
   */
  async revealPlainData(workspaceId: string, id: string): Promise<PlainData> {
    const row = await this.findOwned(workspaceId, id);
    const plainData = await this.decrypt(row);
    // Fail closed: no event, no plaintext.
    await this.audit.record(credentialEvent(AUDIT_ACTIONS.credentialRevealed, row));
    this.lastUsed.touch(row.workspaceId, row.id);
    this.telemetry.credentialOperation('reveal');
    return plainData;
  }

  /** Which inputs of the credential's type hold a value; values only of non-secret inputs. */
  async fields(workspaceId: string, id: string): Promise<CredentialFieldDto[]> {
    const row = await this.findOwned(workspaceId, id);
    const fields = this.types.fields(row.credentialName, await this.decrypt(row));
    this.telemetry.credentialOperation('get');
    return fields;
  }

  private async removeAtVersion(workspaceId: string, id: string, ifMatch: number[]): Promise<void> {
    const row = await this.findOwned(workspaceId, id);
    assertVersion(row, ifMatch);
    const event = credentialEvent(AUDIT_ACTIONS.credentialDeleted, row);
    if (!(await this.writes.removeIfVersion(workspaceId, row.id, row.version, event))) {
      throw credentialChanged(id);
    }
    this.telemetry.credentialOperation('delete');
  }

  private async applyUpdate(
    row: CredentialEntity,
    dto: UpdateCredentialDto,
  ): Promise<{ updated: CredentialEntity; changedKeys: string[] }> {
    assertSameType(row, dto);
    let encryptedData = row.encryptedData;
    let changedKeys: string[] = [];
    if (dto.plainDataObj !== undefined && !keepsStoredData(dto.plainDataObj)) {
      const stored = await this.decrypt(row);
      const merged = mergePlainData(stored, dto.plainDataObj);
      assertStorable(merged);
      this.types.assertValid(row.credentialName, merged);
      encryptedData = await this.encryptFor(merged, encryptionContextOf(row));
      changedKeys = keysThatDiffer(stored, merged);
    }
    const updated: CredentialEntity = {
      ...row,
      name: dto.name ?? row.name,
      encryptedData,
      // Strictly later than the stored date, even within one millisecond.
      updatedDate: new Date(Math.max(Date.now(), row.updatedDate.getTime() + 1)),
      version: row.version + 1,
    };
    return { updated, changedKeys };
  }

  private async decrypt(row: CredentialEntity): Promise<PlainData> {
    return JSON.parse(
      await this.encryption.decrypt(row.encryptedData, encryptionContextOf(row)),
    ) as PlainData;
  }

  /** The id's rules, and a deleted workspace stays deleted (410 for in-process callers). */
  private assertWorkspaceId(workspaceId: string): void {
    if (!isWorkspaceId(workspaceId)) {
      throw new BadRequestException(`workspaceId must be ${WORKSPACE_ID_RULE}`);
    }
    if (this.deleted.isKnownDeleted(workspaceId)) {
      throw workspaceGone(workspaceId);
    }
  }

  /** Encrypts for a row; a workspace another process deleted is refused like a known one. */
  private async encryptFor(plainData: PlainData, context: EncryptionContext): Promise<string> {
    try {
      return await this.encryption.encrypt(JSON.stringify(plainData), context);
    } catch (error) {
      throw error instanceof WorkspaceDeletedError ? workspaceGone(context.workspaceId) : error;
    }
  }

  private async findOwned(workspaceId: string, id: string): Promise<CredentialEntity> {
    const row = isUUID(id) ? await this.reads.findOne(workspaceId, id.toLowerCase()) : null;
    if (!row) {
      throw credentialNotFound(id);
    }
    return row;
  }
}

function workspaceGone(workspaceId: string): GoneException {
  return new GoneException(`Workspace ${workspaceId} was deleted`);
}

/** Malformed ids are echoed only as "not found": the path may hold anything a client pasted. */
function credentialNotFound(id: string): NotFoundException {
  return new NotFoundException(isUUID(id) ? `Credential ${id} not found` : 'Credential not found');
}
