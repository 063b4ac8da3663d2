import { Command, Option } from 'nest-commander';
import { VaultCommand } from './vault-command';
import { readFlowisePassphrase } from '../flowise-import/flowise-key';
import { FlowiseImportService } from '../flowise-import/flowise-import.service';
import { CONFLICT_POLICIES, ConflictPolicy } from '../flowise-import/import-plan';
import { TYPE_CHECK_MODES, TypeCheckMode } from '../flowise-import/import-preview';
import { describePreview, describeResult } from '../flowise-import/import-report';
import { addWorkspacePair, assertWorkspaceId } from '../flowise-import/workspace-mapping';
import { progressBar } from './progress';

interface ImportFlowiseFlags {
  from: string;
  keyFile?: string;
  keyEnv?: string;
  workspace?: string;
  mapWorkspace?: Map<string, string>;
  dryRun?: boolean;
  onConflict?: ConflictPolicy;
  types?: TypeCheckMode;
}

@Command({
  name: 'import:flowise',
  description:
    "Import a Flowise database's credentials, decrypted with Flowise's key and re-encrypted " +
    'under this vault’s keys; ids, names, types and dates kept (rerun to resume)',
})
export class ImportFlowiseCommand extends VaultCommand {
  constructor(private readonly flowiseImport: FlowiseImportService) {
    super();
  }

  @Option({
    flags: '--from <source>',
    description: "Flowise's database: a SQLite file, postgres://… or mysql://…",
    required: true,
  })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--key-file <path>', description: "Flowise's encryption.key (used untrimmed)" })
  parseKeyFile(value: string): string {
    return value;
  }

  @Option({
    flags: '--key-env <VAR>',
    description: 'A variable holding the key (as FLOWISE_SECRETKEY_OVERWRITE did)',
  })
  parseKeyEnv(value: string): string {
    return value;
  }

  @Option({ flags: '--workspace <id>', description: 'Our workspace for every unmapped credential' })
  parseWorkspace(value: string): string {
    assertWorkspaceId(value, '--workspace');
    return value;
  }

  @Option({
    flags: '--map-workspace <flowiseId=ours>',
    description: 'Our workspace for one Flowise workspace (repeatable)',
  })
  parseMapWorkspace(value: string, previous?: Map<string, string>): Map<string, string> {
    return addWorkspacePair(value, previous);
  }

  @Option({ flags: '--dry-run', description: 'Print what would happen; write nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '--on-conflict <policy>',
    description:
      'An id that exists here with other content: skip, fail or rename (a copy, new id) (default: fail)',
    choices: [...CONFLICT_POLICIES],
  })
  parseOnConflict(value: string): ConflictPolicy {
    return value as ConflictPolicy;
  }

  @Option({
    flags: '--types <mode>',
    description:
      'Type-check failures: permissive imports and lists them, strict refuses (default: permissive)',
    choices: [...TYPE_CHECK_MODES],
  })
  parseTypes(value: string): TypeCheckMode {
    return value as TypeCheckMode;
  }

  async run(_params: string[], flags: ImportFlowiseFlags): Promise<void> {
    const started = Date.now();
    const preview = await this.flowiseImport.prepare({
      from: flags.from,
      passphrase: readFlowisePassphrase(flags, process.env),
      mapping: { map: flags.mapWorkspace ?? new Map(), fallback: flags.workspace },
      onConflict: flags.onConflict ?? 'fail',
      types: flags.types ?? 'permissive',
    });
    describePreview(preview).forEach((line) => console.log(line));
    if (preview.blockers.length > 0 || flags.dryRun) {
      console.log(flags.dryRun ? 'Dry run: nothing was written.' : 'Nothing was written.');
      process.exitCode = preview.blockers.length > 0 ? 1 : 0;
      return;
    }
    const writing = progressBar('Importing');
    const created = await this.flowiseImport.write(preview, writing.update).finally(writing.stop);
    const seconds = (Date.now() - started) / 1000;
    const checking = progressBar('Verifying');
    const check = await this.flowiseImport.verify(preview, checking.update).finally(checking.stop);
    describeResult(preview, { created, seconds, check }).forEach((line) => console.log(line));
    if (check.failures.length > 0) {
      process.exitCode = 1;
    }
  }
}
