import { Inject, Injectable } from '@nestjs/common';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CredentialTransferService } from '../credentials/credential-transfer.service';
import { CredentialsService } from '../credentials/credentials.service';
import {
  ImportedCredentialsReadBack,
  ReadBackFailure,
} from '../credentials/imported-credentials-read-back';
import { PlainData, withoutRedactedValues } from '../core/plain-data';
import { storageProblems, typeProblems } from './credential-checks';
import { decryptRows, describeDecryptFailures } from './decrypt-rows';
import { readFlowiseSource } from './flowise-source';
import { CandidateCredential, ConflictPolicy, planImport } from './import-plan';
import { ImportPreview, TypeCheckMode } from './import-preview';
import { flowiseWorkspaceLabel, targetWorkspace, WorkspaceMapping } from './workspace-mapping';

export interface FlowiseImportOptions {
  readonly from: string;
  readonly passphrase: string;
  readonly mapping: WorkspaceMapping;
  readonly onConflict: ConflictPolicy;
  readonly types: TypeCheckMode;
}

type Progress = (done: number, total: number) => void;

/** Credentials per write transaction, and per query of the read-back. */
const BATCH = 200;

/**
 * Moves credentials in from a Flowise database: reads and decrypts every row first, plans, and
 * only then writes, through the same service as an API create, and reads back what it wrote.
 */
@Injectable()
export class FlowiseImportService {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly transfer: CredentialTransferService,
    private readonly readBack: ImportedCredentialsReadBack,
    @Inject(CredentialTypesRegistry) private readonly registry: CredentialTypesRegistry,
  ) {}

  /** Everything the import would do; writes nothing. Throws when the key does not fit. */
  async prepare(options: FlowiseImportOptions): Promise<ImportPreview> {
    const { source, rows, malformed } = await readFlowiseSource(options.from);
    const { decrypted, failures } = decryptRows(rows, options.passphrase);
    if (failures.length > 0) {
      throw new Error(describeDecryptFailures(failures, rows.length));
    }
    const blockers = malformed.map(({ id, problem }) => `Row ${id} is unreadable: ${problem}`);
    const unmapped = new Map<string | null, number>();
    const typeFailures: ImportPreview['typeFailures'] = [];
    const candidates: CandidateCredential[] = [];
    for (const { row, data } of decrypted) {
      const workspaceId = targetWorkspace(options.mapping, row.workspaceId);
      const problems = storageProblems(row.name, row.credentialName, data);
      if (problems.length > 0) {
        blockers.push(`Credential ${row.id} cannot be stored here: ${problems.join('; ')}`);
        continue;
      }
      const plainData = withoutRedactedValues(data as PlainData);
      const typeIssues = typeProblems(this.registry, row.credentialName, plainData);
      if (typeIssues.length > 0) {
        typeFailures.push({ id: row.id, credentialName: row.credentialName, problems: typeIssues });
      }
      if (workspaceId === undefined) {
        unmapped.set(row.workspaceId, (unmapped.get(row.workspaceId) ?? 0) + 1);
        continue;
      }
      candidates.push({
        id: row.id,
        workspaceId,
        flowiseWorkspaceId: row.workspaceId,
        name: row.name,
        credentialName: row.credentialName,
        plainData,
        createdDate: row.createdDate,
        updatedDate: row.updatedDate,
      });
    }
    for (const [flowiseId, count] of unmapped) {
      const label = flowiseWorkspaceLabel(flowiseId);
      blockers.push(
        `Flowise workspace ${label} (${count} credential(s)) has no target here: pass ` +
          (flowiseId === null ? '' : `--map-workspace ${label}=<ours> or `) +
          '--workspace <ours>',
      );
    }
    if (options.types === 'strict') {
      for (const failure of typeFailures) {
        blockers.push(
          `Credential ${failure.id} fails its type check (--types strict): ` +
            failure.problems.join('; '),
        );
      }
    }
    const plan = await planImport(candidates, options.onConflict, {
      locate: (ids) => this.transfer.locate(ids),
      reveal: (workspaceId, id) => this.credentials.revealPlainData(workspaceId, id),
    });
    for (const conflict of plan.conflicts.filter((c) => c.resolution === 'fail')) {
      blockers.push(
        `Credential ${conflict.sourceId} exists here already ` +
          (conflict.existingWorkspaceId === conflict.workspaceId
            ? 'with other content'
            : 'in another workspace') +
          ': choose --on-conflict skip or rename',
      );
    }
    return {
      source,
      total: rows.length + malformed.length,
      credentials: plan.credentials,
      conflicts: plan.conflicts,
      typeFailures,
      nameMatches: await this.nameMatches(plan.credentials),
      unmapped: [...unmapped].map(([flowiseWorkspaceId, count]) => ({
        flowiseWorkspaceId,
        count,
      })),
      blockers,
    };
  }

  /** Stores the planned creates in batches (each one transaction); a rerun resumes. */
  async write(preview: ImportPreview, onProgress?: Progress): Promise<number> {
    if (preview.blockers.length > 0) {
      throw new Error('The import has problems to solve first; nothing was written');
    }
    const creates = preview.credentials.filter((credential) => credential.action === 'create');
    for (let i = 0; i < creates.length; i += BATCH) {
      await this.transfer.createImported(creates.slice(i, i + BATCH));
      onProgress?.(Math.min(i + BATCH, creates.length), creates.length);
    }
    return creates.length;
  }

  /**
   * Reads back every credential the import wrote or found already imported: it must decrypt
   * under this vault's keys to its Flowise original, with the same name, type and dates.
   */
  async verify(
    preview: ImportPreview,
    onProgress?: Progress,
  ): Promise<{ verified: number; failures: ReadBackFailure[] }> {
    const imported = preview.credentials.filter((credential) => credential.action !== 'skip');
    const failures: ReadBackFailure[] = [];
    for (let i = 0; i < imported.length; i += BATCH) {
      failures.push(...(await this.readBack.failures(imported.slice(i, i + BATCH))));
      onProgress?.(Math.min(i + BATCH, imported.length), imported.length);
    }
    return { verified: imported.length - failures.length, failures };
  }

  /** Creates whose name an existing credential of the target workspace already has. */
  private async nameMatches(
    planned: ImportPreview['credentials'],
  ): Promise<ImportPreview['nameMatches']> {
    const creates = planned.filter((credential) => credential.action === 'create');
    const matches: ImportPreview['nameMatches'] = [];
    for (const workspaceId of new Set(creates.map((credential) => credential.workspaceId))) {
      const page = await this.credentials.list(workspaceId, {});
      const names = new Set(page.credentials.map((credential) => credential.name));
      for (const credential of creates) {
        if (credential.workspaceId === workspaceId && names.has(credential.name)) {
          matches.push({ id: credential.id, workspaceId, name: credential.name });
        }
      }
    }
    return matches;
  }
}
