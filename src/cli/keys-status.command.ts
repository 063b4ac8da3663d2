import { Command, Option } from 'nest-commander';
import { KeyStatusReport } from '../keys/key-status';
import { VaultCommand } from './vault-command';

@Command({
  name: 'keys:status',
  description: 'Master keys, data-key versions and how many rows use each (never key material)',
})
export class KeysStatusCommand extends VaultCommand {
  constructor(private readonly report: KeyStatusReport) {
    super();
  }

  @Option({ flags: '--json', description: 'Print JSON' })
  parseJson(): boolean {
    return true;
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const status = await this.report.status();
    if (options.json) {
      console.log(JSON.stringify(status, null, 2));
      return;
    }
    console.log(`Master key provider: ${status.provider} (${status.source})`);
    console.log('Master keys:');
    for (const key of status.masterKeys) {
      const flags = [key.isActive ? 'ACTIVE' : '', key.isPresent ? '' : 'MISSING']
        .filter(Boolean)
        .join(' ');
      console.log(
        `  ${key.kid.padEnd(24)} ${flags.padEnd(14)} created ${key.createdAt ?? 'unknown'}` +
          `  wraps ${key.dataKeys} data key(s)` +
          (key.legacyRows > 0 ? `, ${key.legacyRows} first-release row(s)` : ''),
      );
    }
    console.log('Data keys (workspace, version, master key, rows):');
    for (const key of status.dataKeys) {
      const workspace = key.workspaceId === '' ? '(vault canary)' : key.workspaceId;
      console.log(
        `  ${workspace.padEnd(36)} v${String(key.version).padEnd(4)} ${key.masterKeyId.padEnd(24)} ` +
          `${String(key.rows).padStart(7)} row(s)${key.isCurrent ? '  current' : ''}`,
      );
    }
    if (status.legacyRows > 0) {
      console.log(
        `First-release (v1) rows: ${status.legacyRows} (upgrade: keys:rotate-data --all)`,
      );
    }
    for (const rotation of status.rotationsInProgress) {
      console.log(
        `Unfinished keys:rotate-data of ${rotation.workspaceId} to v${rotation.version}: run it again`,
      );
    }
  }
}
