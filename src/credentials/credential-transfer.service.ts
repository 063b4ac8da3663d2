import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { In, MoreThan, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { encryptionContextOf, EncryptionProvider } from '../core/encryption.provider';
import { PlainData, plainDataProblems, withoutRedactedValues } from '../core/plain-data';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CredentialEntity } from './credential.entity';
import { AuditRecorder } from '../core/audit-recorder';
import { recordExported, recordImported } from './credential-transfer-events';
import { assertImportable, CredentialImportError } from './credential-import-checks';

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

/** A credential moved in from elsewhere (a Flowise import), with the id and dates it had there. */
export interface ImportedCredential {
  id: string;
  workspaceId: string;
  name: string;
  credentialName: string;
  plainData: PlainData;
  createdDate: Date;
  updatedDate: Date;
}

export interface ImportReport {
  readonly created: number;
  readonly overwritten: number;
  readonly skipped: number;
  readonly workspaces: string[];
}

const BATCH = 500;

/**
 * Credentials in and out of the vault in bulk (export bundles, imports, moves), under the same
 * rules as the API: an imported credential is validated like a create, its type included.
 */
@Injectable()
export class CredentialTransferService {
  constructor(
    @InjectVaultRepository(CredentialEntity)
    private readonly credentials: Repository<CredentialEntity>,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
    @Inject(CredentialTypesRegistry) private readonly types: CredentialTypesRegistry,
    private readonly audit: AuditRecorder,
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
            plainDataJson: await this.encryption.decrypt(
              row.encryptedData,
              encryptionContextOf(row),
            ),
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
    // Fail closed: no plaintext is handed out unless the trail says whose left.
    await this.audit.transaction(
      (manager) => recordExported(this.audit, manager, collected, workspaceId === undefined),
      () => undefined,
    );
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
      await assertImportable(this.types, credential, targetOf(credential));
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
        encryptedData: await this.encryption.encrypt(
          credential.plainDataJson,
          encryptionContextOf({ workspaceId, id: credential.id }),
        ),
        createdDate: new Date(credential.createdDate),
        updatedDate: new Date(credential.updatedDate),
        version: previous ? previous.version + 1 : 1,
      });
    }
    await this.audit.transaction(
      async (manager) => {
        for (const row of rows) {
          if (existing.has(row.id)) {
            await manager.update(
              CredentialEntity,
              { id: row.id, workspaceId: row.workspaceId },
              row,
            );
          } else {
            await manager.insert(CredentialEntity, row);
          }
        }
        await recordImported(this.audit, manager, rows, existing);
      },
      () => undefined,
    );
    const overwritten = rows.filter((row) => existing.has(row.id)).length;
    return {
      created: rows.length - overwritten,
      overwritten,
      skipped: credentials.length - rows.length,
      workspaces: [...new Set(rows.map((row) => row.workspaceId))].sort(),
    };
  }

  /**
   * Stores imported credentials as `create` does (same encryption, same storage rules) but with
   * their own ids and dates, in one transaction. Type checks are the importer's: it reports them.
   */
  async createImported(credentials: readonly ImportedCredential[]): Promise<void> {
    const rows: CredentialEntity[] = [];
    for (const credential of credentials) {
      const plainData = withoutRedactedValues(credential.plainData);
      const problems = plainDataProblems(plainData, { allowNull: false });
      if (!isWorkspaceId(credential.workspaceId)) {
        problems.push(`workspaceId must be ${WORKSPACE_ID_RULE}`);
      }
      if (problems.length > 0) {
        throw new BadRequestException(problems);
      }
      rows.push({
        id: credential.id,
        workspaceId: credential.workspaceId,
        name: credential.name,
        credentialName: credential.credentialName,
        encryptedData: await this.encryption.encrypt(
          JSON.stringify(plainData),
          encryptionContextOf(credential),
        ),
        createdDate: credential.createdDate,
        updatedDate: credential.updatedDate,
        version: 1,
      });
    }
    try {
      await this.audit.transaction(
        async (manager) => {
          await manager
            .createQueryBuilder()
            .insert()
            .into(CredentialEntity)
            .values(rows)
            .updateEntity(false)
            .execute();
          await recordImported(this.audit, manager, rows, new Map());
        },
        () => undefined,
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(
          'A credential id of this batch exists already; none was stored',
        );
      }
      throw error;
    }
  }

  /** Which of these ids exist, in any workspace: an importer's conflict check. No secrets. */
  async locate(
    ids: readonly string[],
  ): Promise<Pick<CredentialEntity, 'id' | 'workspaceId' | 'name' | 'credentialName'>[]> {
    if (ids.length === 0) {
      return [];
    }
    return this.credentials.find({
      select: { id: true, workspaceId: true, name: true, credentialName: true },
      where: { id: In([...ids]) },
    });
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
}

function idsOf(credentials: readonly TransferredCredential[]): string {
  return credentials
    .slice(0, 10)
    .map((credential) => credential.id)
    .join(', ');
}
