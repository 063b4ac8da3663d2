import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { validateInput } from '../common/validation';
import { EncryptionProvider } from '../core/encryption.provider';
import { isWorkspaceId } from '../core/workspace-id';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CredentialEntity } from './credential.entity';
import { CreateCredentialDto } from './dto/create-credential.dto';

/** A credential with its secret fields (JSON), as exports carry and imports receive them. */
export interface TransferredCredential {
  readonly id: string;
  readonly name: string;
  readonly credentialName: string;
  readonly workspaceId: string;
  readonly createdDate: string;
  readonly updatedDate: string;
  readonly plainDataJson: string;
}

export type ConflictPolicy = 'skip' | 'overwrite' | 'fail';

export interface ImportReport {
  readonly created: number;
  readonly overwritten: number;
  readonly skipped: number;
  readonly workspaces: string[];
}

/** An import refused before anything was written: the message is safe to print. */
export class CredentialImportError extends Error {
  override readonly name = 'CredentialImportError';
}

const BATCH = 500;

/**
 * Credentials in and out of the vault in bulk (export bundles, imports, moves), under the same
 * rules as the API: an imported credential is validated like a create, its type included.
 */
@Injectable()
export class CredentialTransferService {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
    @Inject(CredentialTypesRegistry) private readonly types: CredentialTypesRegistry,
  ) {}

  /** Every credential (or one workspace's), decrypted; refuses if any row does not decrypt. */
  async exportAll(workspaceId?: string): Promise<TransferredCredential[]> {
    const collected: TransferredCredential[] = [];
    const failures: string[] = [];
    let after = '';
    for (;;) {
      const rows = await this.credentials.find({
        where: { id: MoreThan(after), ...(workspaceId === undefined ? {} : { workspaceId }) },
        order: { id: 'ASC' },
        take: BATCH,
      });
      if (rows.length === 0) {
        break;
      }
      for (const row of rows) {
        try {
          collected.push({
            id: row.id,
            name: row.name,
            credentialName: row.credentialName,
            workspaceId: row.workspaceId,
            createdDate: row.createdDate.toISOString(),
            updatedDate: row.updatedDate.toISOString(),
            plainDataJson: await this.encryption.decrypt(row.encryptedData, {
              workspaceId: row.workspaceId,
              credentialId: row.id,
            }),
          });
        } catch {
          failures.push(row.id);
        }
      }
      after = rows[rows.length - 1].id;
    }
    if (failures.length > 0) {
      throw new Error(
        `Cannot export: ${failures.length} credential(s) do not decrypt (run keys:verify), e.g. ` +
          failures.slice(0, 10).join(', '),
      );
    }
    return collected;
  }

  /**
   * Writes credentials under this instance's keys, keeping ids, names and dates. All checks run
   * before the first write, and the writes share one transaction: all or nothing.
   */
  async importAll(
    credentials: readonly TransferredCredential[],
    options: { workspaceId?: string; onConflict: ConflictPolicy },
  ): Promise<ImportReport> {
    const targetOf = (credential: TransferredCredential) =>
      options.workspaceId ?? credential.workspaceId;
    for (const credential of credentials) {
      await this.assertImportable(credential, targetOf(credential));
    }
    const existing = await this.existing(credentials.map((credential) => credential.id));
    const conflicts = credentials.filter((credential) => existing.has(credential.id));
    if (conflicts.length > 0 && options.onConflict === 'fail') {
      throw new CredentialImportError(
        `${conflicts.length} credential id(s) already exist here, e.g. ${idsOf(conflicts)}. ` +
          'Nothing was imported; choose --on-conflict skip or overwrite.',
      );
    }
    const foreign = conflicts.filter(
      (credential) => existing.get(credential.id)?.workspaceId !== targetOf(credential),
    );
    if (foreign.length > 0 && options.onConflict === 'overwrite') {
      throw new CredentialImportError(
        `${foreign.length} credential id(s) belong to another workspace here, e.g. ` +
          `${idsOf(foreign)}: they cannot be overwritten. Nothing was imported; use ` +
          '--on-conflict skip to leave them.',
      );
    }
    const toWrite = credentials.filter(
      (credential) => !existing.has(credential.id) || options.onConflict === 'overwrite',
    );
    // Encrypt before the transaction: a new workspace's data key is made on first use.
    const rows: CredentialEntity[] = [];
    for (const credential of toWrite) {
      const workspaceId = targetOf(credential);
      const previous = existing.get(credential.id);
      rows.push({
        id: credential.id,
        name: credential.name,
        credentialName: credential.credentialName,
        workspaceId,
        encryptedData: await this.encryption.encrypt(credential.plainDataJson, {
          workspaceId,
          credentialId: credential.id,
        }),
        createdDate: new Date(credential.createdDate),
        updatedDate: new Date(credential.updatedDate),
        version: previous ? previous.version + 1 : 1,
      });
    }
    await this.credentials.manager.transaction(async (manager) => {
      for (const row of rows) {
        if (existing.has(row.id)) {
          await manager.update(CredentialEntity, { id: row.id, workspaceId: row.workspaceId }, row);
        } else {
          await manager.insert(CredentialEntity, row);
        }
      }
    });
    const overwritten = rows.filter((row) => existing.has(row.id)).length;
    return {
      created: rows.length - overwritten,
      overwritten,
      skipped: credentials.length - rows.length,
      workspaces: [...new Set(rows.map((row) => row.workspaceId))].sort(),
    };
  }

  private async existing(ids: readonly string[]): Promise<Map<string, CredentialEntity>> {
    const existing = new Map<string, CredentialEntity>();
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const row of await this.credentials.findBy({ id: In(ids.slice(i, i + BATCH)) })) {
        existing.set(row.id, row);
      }
    }
    return existing;
  }

  /** The create rules (name, type, id, secret fields), a workspace and two dates. */
  private async assertImportable(
    credential: TransferredCredential,
    workspaceId: string,
  ): Promise<void> {
    const id =
      typeof credential === 'object' && credential !== null && typeof credential.id === 'string'
        ? credential.id
        : 'an entry';
    try {
      const plainDataObj: unknown = JSON.parse(credential.plainDataJson);
      const dto = await validateInput(CreateCredentialDto, {
        id: credential.id,
        name: credential.name,
        credentialName: credential.credentialName,
        plainDataObj,
      });
      this.types.assertValid(dto.credentialName, dto.plainDataObj);
      const valid =
        dto.id === credential.id &&
        isWorkspaceId(workspaceId) &&
        !Number.isNaN(Date.parse(credential.createdDate)) &&
        !Number.isNaN(Date.parse(credential.updatedDate));
      if (!valid) {
        throw new Error('invalid id, workspace or dates');
      }
    } catch (error) {
      const reason = error instanceof BadRequestException ? `: ${reasonOf(error)}` : '';
      throw new CredentialImportError(
        `The bundle holds an invalid credential (${id})${reason}; nothing was imported`,
      );
    }
  }
}

function idsOf(credentials: readonly TransferredCredential[]): string {
  return credentials
    .slice(0, 10)
    .map((credential) => credential.id)
    .join(', ');
}

/** Validation messages name fields and rules, never values. */
function reasonOf(error: BadRequestException): string {
  const message = (error.getResponse() as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : error.message;
}
