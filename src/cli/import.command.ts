import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import {
  ConflictPolicy,
  CredentialTransferService,
} from '../credentials/credential-transfer.service';
import { openBundle } from '../portability/sealed-bundle';
import { readPassphrase } from './read-passphrase';
import { VaultCommand } from './vault-command';

const POLICIES: ConflictPolicy[] = ['skip', 'overwrite', 'fail'];

@Command({
  name: 'import',
  description:
    'Import a sealed bundle (passphrase from stdin), re-encrypted under this instance’s keys; ' +
    'ids, names and dates are kept',
})
export class ImportCommand extends VaultCommand {
  constructor(private readonly transfer: CredentialTransferService) {
    super();
  }

  @Option({ flags: '--in <file>', description: 'The bundle to read', required: true })
  parseIn(value: string): string {
    return resolve(value);
  }

  @Option({ flags: '--workspace <id>', description: 'Import everything into this workspace' })
  parseWorkspace(value: string): string {
    return value;
  }

  @Option({
    flags: '--on-conflict <policy>',
    description: 'When an id exists already: skip, overwrite or fail (default: fail)',
    choices: POLICIES,
  })
  parseOnConflict(value: string): ConflictPolicy {
    return value as ConflictPolicy;
  }

  async run(
    _params: string[],
    options: { in: string; workspace?: string; onConflict?: ConflictPolicy },
  ): Promise<void> {
    const contents = readFileSync(options.in, 'utf8');
    const { header, credentials } = await openBundle(contents, await readPassphrase());
    const report = await this.transfer.importAll(credentials, {
      workspaceId: options.workspace,
      onConflict: options.onConflict ?? 'fail',
    });
    console.log(
      `Bundle of ${header.createdAt}: ${header.counts.credentials} credential(s). Imported: ` +
        `${report.created} created, ${report.overwritten} overwritten, ${report.skipped} skipped` +
        (report.workspaces.length > 0 ? ` (workspaces: ${report.workspaces.join(', ')})` : ''),
    );
  }
}
