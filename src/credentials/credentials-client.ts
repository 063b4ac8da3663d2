import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { Repository } from 'typeorm';
import type { PlainData } from '../core/plain-data';
import { CredentialEntity } from './credential.entity';
import { toCredentialResponse } from './credential-row-mapper';
import { CredentialPage } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { CredentialForEditResponseDto } from './dto/credential-for-edit-response.dto';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { ListCredentialsQueryDto } from './dto/list-credentials-query.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';
import { CredentialDeletion } from './usages/credential-deletion';
import { CredentialUsagesService } from './usages/credential-usages.service';
import {
  CredentialUsageInputDto,
  CredentialUsageResponseDto,
} from './usages/dto/credential-usage.dto';
import { LastUsedRecorder } from './usages/last-used-recorder';

const MAX_NAME_LENGTH = 255;

/**
 * The vault for code in the same process (a flow runner, a host's own services): what the HTTP
 * API does, with the same validation and the same errors (Nest's HTTP exceptions: 400, 404,
 * 409, 410), plus `reveal`, the one way to the plaintext. Every call names the workspace.
 */
@Injectable()
export class CredentialsClient {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly usages: CredentialUsagesService,
    private readonly deletion: CredentialDeletion,
    private readonly lastUsed: LastUsedRecorder,
    @InjectVaultRepository(CredentialEntity) private readonly rows: Repository<CredentialEntity>,
  ) {}

  create(workspaceId: string, input: CreateCredentialDto): Promise<CredentialResponseDto> {
    return this.credentials.create(workspaceId, input);
  }

  /** Renames and/or merges secret fields into the stored ones (absent fields are kept). */
  update(
    workspaceId: string,
    id: string,
    input: UpdateCredentialDto,
  ): Promise<CredentialResponseDto> {
    return this.credentials.update(workspaceId, id, input);
  }

  /** Refused with 409 (listing the usages) while something uses it, unless `force`. */
  delete(workspaceId: string, id: string, options: { force?: boolean } = {}): Promise<void> {
    return this.deletion.remove(workspaceId, id, options);
  }

  /** Metadata and ciphertext, with secrets redacted as `GET /credentials/:id` shows them. */
  async get(workspaceId: string, id: string): Promise<CredentialForEditResponseDto> {
    return this.withPendingLastUse(await this.credentials.getForEdit(workspaceId, id));
  }

  list(workspaceId: string, query: ListCredentialsQueryDto = {}): Promise<CredentialPage> {
    return this.credentials.list(workspaceId, query);
  }

  /** The workspace's credentials of one type (`openAIApi`), newest first. */
  async findByType(workspaceId: string, credentialName: string): Promise<CredentialResponseDto[]> {
    return (await this.credentials.list(workspaceId, { credentialName: [credentialName] }))
      .credentials;
  }

  /** The workspace's credentials with exactly this display name (names need not be unique). */
  async findByName(workspaceId: string, name: string): Promise<CredentialResponseDto[]> {
    await this.credentials.list(workspaceId, { limit: 1 }); // the workspace id's checks
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new BadRequestException(`name must be 1 to ${MAX_NAME_LENGTH} characters`);
    }
    const found = await this.rows.find({
      where: { workspaceId, name },
      order: { createdDate: 'DESC', id: 'DESC' },
    });
    return found.map((row) => this.withPendingLastUse(toCredentialResponse(row)));
  }

  /**
   * The decrypted secret fields: plaintext, for this process only. Records `lastUsedAt` (in a
   * batch written within seconds, not a write per call).
   */
  reveal(workspaceId: string, id: string): Promise<PlainData> {
    return this.credentials.revealPlainData(workspaceId, id);
  }

  recordUsage(
    workspaceId: string,
    credentialId: string,
    usage: CredentialUsageInputDto,
  ): Promise<CredentialUsageResponseDto> {
    return this.usages.record(workspaceId, credentialId, usage);
  }

  releaseUsage(
    workspaceId: string,
    credentialId: string,
    usage: Pick<CredentialUsageInputDto, 'kind' | 'id'>,
  ): Promise<void> {
    return this.usages.release(workspaceId, credentialId, usage.kind, usage.id);
  }

  listUsages(workspaceId: string, credentialId: string): Promise<CredentialUsageResponseDto[]> {
    return this.usages.list(workspaceId, credentialId);
  }

  /** Writes the pending `lastUsedAt` times now (they are written within seconds anyway). */
  flushLastUsed(): Promise<void> {
    return this.lastUsed.flush();
  }

  private withPendingLastUse<T extends CredentialResponseDto>(response: T): T {
    const pending = this.lastUsed.pendingFor(response.id);
    return pending ? { ...response, lastUsedAt: pending.toISOString() } : response;
  }
}
