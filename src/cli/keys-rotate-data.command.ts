import { Command, Option } from 'nest-commander';
import { DataKeyRotation } from '../keys/data-key-rotation';
import { parsePositiveInt, progressBar } from './progress';
import { VaultCommand } from './vault-command';

interface RotateDataFlags {
  workspace?: string;
  all?: boolean;
  batchSize?: number;
  throttleMs?: number;
}

@Command({
  name: 'keys:rotate-data',
  description:
    'New data-key version, and re-encrypt the rows to it in batches while servers run ' +
    '(resumable: run it again after a crash)',
})
export class KeysRotateDataCommand extends VaultCommand {
  constructor(private readonly rotation: DataKeyRotation) {
    super();
  }

  @Option({ flags: '--workspace <id>', description: 'Rotate one workspace' })
  parseWorkspace(value: string): string {
    return value;
  }

  @Option({ flags: '--all', description: 'Rotate every workspace' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--batch-size <n>', description: 'Rows per transaction (default 200)' })
  parseBatchSize(value: string): number {
    return parsePositiveInt(value, '--batch-size', 10_000);
  }

  @Option({ flags: '--throttle-ms <ms>', description: 'Pause after each batch (default 0)' })
  parseThrottle(value: string): number {
    return parsePositiveInt(value, '--throttle-ms', 60_000);
  }

  async run(_params: string[], options: RotateDataFlags): Promise<void> {
    if ((options.workspace === undefined) === (options.all !== true)) {
      this.refuse('Give exactly one of --workspace <id> and --all', 2);
      return;
    }
    const bar = progressBar('Re-encrypting');
    const started = Date.now();
    const result = await this.rotation
      .rotate({
        workspaceId: options.workspace,
        batchSize: options.batchSize ?? 200,
        throttleMs: options.throttleMs,
        onProgress: bar.update,
      })
      .finally(bar.stop);
    for (const workspace of result.workspaces) {
      console.log(
        `${workspace.workspaceId}: data key v${workspace.version}` +
          `${workspace.resumed ? ' (resumed)' : ''}, re-encrypted ${workspace.reencrypted} row(s)`,
      );
    }
    console.log(
      `Rotated ${result.workspaces.length} workspace(s) in ${Date.now() - started} ms; ` +
        `${result.failures.length} row(s) failed.`,
    );
    for (const failure of result.failures) {
      console.error(`  ${failure.id} (${failure.workspaceId}): ${failure.reason}`);
    }
    this.failIf(result.failures.length > 0);
  }
}
