import {
  BadRequestException,
  ConflictException,
  GoneException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { KeyedSerializer } from '../common/keyed-serializer';
import { validateInput } from '../common/validation';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { WorkspaceDeletedError } from '../core/errors';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CredentialFieldDto } from '../credential-types/dto/credential-field.dto';
import { CredentialEntity } from './credential.entity';
import { CredentialPage, CredentialsRepository } from './credentials.repository';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { toCredentialResponse } from './credential-row-mapper';
import { CredentialForEditResponseDto } from './dto/credential-for-edit-response.dto';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { ListCredentialsQueryDto } from './dto/list-credentials-query.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';
import { EncryptionContext, EncryptionProvider } from '../core/encryption.provider';
import {
  keepsStoredData,
  mergePlainData,
  PlainData,
  plainDataProblems,
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
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
    @Inject(CredentialTypesRegistry) private readonly types: CredentialTypesRegistry,
    // Hot reads skip entity hydration through find(); see CredentialsRepository.
    private readonly reads: CredentialsRepository,
    private readonly deleted: DeletedWorkspaces,
  ) {}

  async list(workspaceId: string, query: ListCredentialsQueryDto = {}): Promise<CredentialPage> {
    this.assertWorkspaceId(workspaceId);
    const paged = query.page !== undefined || query.limit !== undefined;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return this.reads.list(workspaceId, {
      credentialNames: query.credentialName,
      ...(paged ? { limit, offset: ((query.page ?? 1) - 1) * limit } : {}),
    });
  }

  async get(workspaceId: string, id: string): Promise<CredentialResponseDto> {
    return toCredentialResponse(await this.findOwned(workspaceId, id));
  }

  /** The credential with its data redacted as Flowise's edit dialog expects it. */
  async getForEdit(workspaceId: string, id: string): Promise<CredentialForEditResponseDto> {
    const row = await this.findOwned(workspaceId, id);
    return {
      ...toCredentialResponse(row),
      plainDataObj: this.types.redact(row.credentialName, await this.decrypt(row)),
    };
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
      // updateEntity(false): without it TypeORM re-selects the dates and version it was just
      // given (SQLite has no RETURNING in its driver), one extra query per create.
      await this.credentials
        .createQueryBuilder()
        .insert()
        .values(row)
        .updateEntity(false)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(`Credential ${id} already exists`);
      }
      throw error;
    }
    return toCredentialResponse(row);
  }

  /** Renames and/or merges secret fields; `input` is validated as `create`'s is. */
  async update(
    workspaceId: string,
    id: string,
    input: UpdateCredentialDto,
  ): Promise<CredentialResponseDto> {
    this.assertWorkspaceId(workspaceId);
    const dto = await validateInput(UpdateCredentialDto, input);
    if (dto.name === undefined && dto.plainDataObj === undefined) {
      throw new BadRequestException('Nothing to update: send name and/or plainDataObj');
    }
    if (dto.name === undefined && keepsStoredData(dto.plainDataObj)) {
      // Flowise's dialog saves an unchanged credential as `{}` or with every secret echoed back.
      const row = await this.findOwned(workspaceId, id);
      assertSameType(row, dto);
      return toCredentialResponse(row);
    }
    // Queued per row inside this process; the version check covers writers in other processes.
    return this.rowWrites.run(id.toLowerCase(), async () => {
      for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
        const row = await this.findOwned(workspaceId, id);
        const updated = await this.applyUpdate(row, dto);
        const result = await this.credentials.update(
          { id: row.id, workspaceId, version: row.version },
          {
            name: updated.name,
            encryptedData: updated.encryptedData,
            updatedDate: updated.updatedDate,
            version: updated.version,
          },
        );
        if (result.affected === 1) {
          return toCredentialResponse(updated);
        }
        await sleep(Math.random() * RETRY_JITTER_MS * attempt);
      }
      throw new ConflictException(`Credential ${id} is being changed concurrently; try again`);
    });
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const result = isUUID(id)
      ? await this.credentials.delete({ id: id.toLowerCase(), workspaceId })
      : undefined;
    if (result?.affected !== 1) {
      throw credentialNotFound(id);
    }
  }

  /**
   * The decrypted secret fields, for in-process callers of an embedding application (a flow
   * runner). No HTTP endpoint calls this.
   */
  async revealPlainData(workspaceId: string, id: string): Promise<PlainData> {
    const row = await this.findOwned(workspaceId, id);
    return this.decrypt(row);
  }

  /** Which inputs of the credential's type hold a value; values only of non-secret inputs. */
  async fields(workspaceId: string, id: string): Promise<CredentialFieldDto[]> {
    const row = await this.findOwned(workspaceId, id);
    return this.types.fields(row.credentialName, await this.decrypt(row));
  }

  private async applyUpdate(
    row: CredentialEntity,
    dto: UpdateCredentialDto,
  ): Promise<CredentialEntity> {
    assertSameType(row, dto);
    let encryptedData = row.encryptedData;
    if (dto.plainDataObj !== undefined && !keepsStoredData(dto.plainDataObj)) {
      const merged = mergePlainData(await this.decrypt(row), dto.plainDataObj);
      assertStorable(merged);
      this.types.assertValid(row.credentialName, merged);
      encryptedData = await this.encryptFor(merged, contextOf(row));
    }
    return {
      ...row,
      name: dto.name ?? row.name,
      encryptedData,
      // Strictly later than the stored date, even within one millisecond.
      updatedDate: new Date(Math.max(Date.now(), row.updatedDate.getTime() + 1)),
      version: row.version + 1,
    };
  }

  private async decrypt(row: CredentialEntity): Promise<PlainData> {
    return JSON.parse(
      await this.encryption.decrypt(row.encryptedData, contextOf(row)),
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

function contextOf(row: CredentialEntity): EncryptionContext {
  return { workspaceId: row.workspaceId, credentialId: row.id };
}

function assertSameType(row: CredentialEntity, dto: UpdateCredentialDto): void {
  if (dto.credentialName !== undefined && dto.credentialName !== row.credentialName) {
    throw new BadRequestException(
      `credentialName cannot change (stored: ${row.credentialName}); create a new credential instead`,
    );
  }
}

/** The merged or created secret must still satisfy the create rules (non-empty, size). */
function assertStorable(plainData: PlainData): void {
  const problems = plainDataProblems(plainData, { allowNull: false });
  if (problems.length > 0) {
    throw new BadRequestException(problems);
  }
}

function workspaceGone(workspaceId: string): GoneException {
  return new GoneException(`Workspace ${workspaceId} was deleted`);
}

/** Malformed ids are echoed only as "not found": the path may hold anything a client pasted. */
function credentialNotFound(id: string): NotFoundException {
  return new NotFoundException(isUUID(id) ? `Credential ${id} not found` : 'Credential not found');
}
