import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../../core/vault-data-source';
import { Repository } from 'typeorm';
import { SqliteStatements } from '../../core/sqlite-statements';
import { isUniqueViolation } from '../../common/database-errors';
import { validateInput } from '../../common/validation';
import { AUDIT_ACTIONS } from '../../core/audit-actions';
import { AuditContext } from '../../core/audit-context';
import { AuditEventInput, AuditRecorder } from '../../core/audit-recorder';
import { CredentialResponseDto } from '../dto/credential-response.dto';
import { CredentialsService } from '../credentials.service';
import { CredentialUsageEntity } from './credential-usage.entity';
import {
  CredentialUsageInputDto,
  CredentialUsageResponseDto,
  USAGE_ID,
  USAGE_KIND,
} from './dto/credential-usage.dto';

/**
 * Where each credential is used, as the runtimes that use it say: they record a usage when a
 * chatflow (or anything) starts using a credential and release it when it stops, so a delete can
 * refuse to break them. Every method checks the credential is in the workspace first (404).
 */
@Injectable()
export class CredentialUsagesService {
  /** On SQLite, isInUse runs as a prepared statement (see SqliteStatements). */
  private readonly sqlite: SqliteStatements | undefined;
  private readonly inUseSql: string;

  constructor(
    @InjectVaultRepository(CredentialUsageEntity)
    private readonly usages: Repository<CredentialUsageEntity>,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditRecorder,
  ) {
    const { connection } = usages.manager;
    const { driver } = connection;
    const table = driver.escape(usages.metadata.tableName);
    const credentialId = driver.escape(
      usages.metadata.findColumnWithPropertyName('credentialId')!.databaseName,
    );
    this.inUseSql =
      `SELECT 1 AS ${driver.escape('used')} FROM ${table}` +
      ` WHERE ${credentialId} = ${driver.createParameter('credentialId', 0)} LIMIT 1`;
    this.sqlite = SqliteStatements.of(connection);
  }

  /** Records (or relabels) a usage; recording the same one twice changes nothing else. */
  async record(
    workspaceId: string,
    credentialId: string,
    input: CredentialUsageInputDto,
  ): Promise<CredentialUsageResponseDto> {
    const usage = await validateInput(CredentialUsageInputDto, input);
    const credential = await this.credentials.get(workspaceId, credentialId);
    const key = { credentialId: credential.id, kind: usage.kind, usageId: usage.id };
    const existing = await this.usages.findOneBy(key);
    if (existing) {
      if (usage.label !== undefined && usage.label !== existing.label) {
        await this.usages.update(key, { label: usage.label });
        existing.label = usage.label;
      }
      return toUsageResponse(existing);
    }
    const row: CredentialUsageEntity = {
      ...key,
      workspaceId: credential.workspaceId,
      label: usage.label ?? null,
      createdDate: new Date(),
    };
    const event = usageEvent(AUDIT_ACTIONS.credentialUsageRecorded, credential, usage);
    try {
      // The usage and its audit event commit together, or neither does.
      await this.audit.transaction(
        (manager) => manager.insert(CredentialUsageEntity, row),
        () => event,
      );
    } catch (error) {
      // Recorded by a concurrent call: the same usage, so the same answer.
      if (!isUniqueViolation(error)) {
        throw error;
      }
    }
    return toUsageResponse(row);
  }

  /** Releases a usage; releasing one that is not recorded is not an error (idempotent). */
  async release(
    workspaceId: string,
    credentialId: string,
    kind: string,
    id: string,
  ): Promise<void> {
    assertUsageKey(kind, id);
    const credential = await this.credentials.get(workspaceId, credentialId);
    await this.audit.transaction(
      (manager) =>
        manager.delete(CredentialUsageEntity, { credentialId: credential.id, kind, usageId: id }),
      (result) =>
        result.affected === 1
          ? usageEvent(AUDIT_ACTIONS.credentialUsageReleased, credential, { kind, id })
          : undefined,
    );
  }

  async list(workspaceId: string, credentialId: string): Promise<CredentialUsageResponseDto[]> {
    const credential = await this.credentials.get(workspaceId, credentialId);
    return this.usagesOf(credential.id);
  }

  async usagesOf(credentialId: string): Promise<CredentialUsageResponseDto[]> {
    const rows = await this.usages.find({
      where: { credentialId },
      order: { kind: 'ASC', usageId: 'ASC' },
    });
    return rows.map(toUsageResponse);
  }

  /**
   * Whether anything uses the credential: the question every delete asks, so one indexed read
   * (a prepared statement on SQLite) rather than a query builder and a list.
   */
  async isInUse(credentialId: string): Promise<boolean> {
    const rows: unknown[] = this.sqlite
      ? await this.sqlite.all(this.inUseSql, [credentialId])
      : await this.usages.query<unknown[]>(this.inUseSql, [credentialId]);
    return rows.length > 0;
  }
}

/** The path's kind and id, checked with the body's rules. */
export function assertUsageKey(kind: string, id: string): void {
  const problems = [
    ...(USAGE_KIND.test(kind)
      ? []
      : ['kind must be 1 to 64 characters of A-Z, a-z, 0-9, _, . and -']),
    ...(USAGE_ID.test(id)
      ? []
      : ['id must be 1 to 255 characters of A-Z, a-z, 0-9, _, ., : and -']),
  ];
  if (problems.length > 0) {
    throw new BadRequestException(problems);
  }
}

function usageEvent(
  action: string,
  credential: CredentialResponseDto,
  usage: { kind: string; id: string },
): AuditEventInput {
  return {
    action,
    workspaceId: credential.workspaceId,
    actor: AuditContext.actor(),
    target: {
      type: 'credential',
      id: credential.id,
      name: credential.name,
      credentialName: credential.credentialName,
    },
    outcome: 'success',
    details: { usageKind: usage.kind, usageId: usage.id },
  };
}

function toUsageResponse(row: CredentialUsageEntity): CredentialUsageResponseDto {
  return {
    kind: row.kind,
    id: row.usageId,
    ...(row.label !== null ? { label: row.label } : {}),
    createdDate: row.createdDate.toISOString(),
  };
}
