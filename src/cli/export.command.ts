import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { CredentialTransferService } from '../credentials/credential-transfer.service';
import { passphraseProblem, sealBundle } from '../portability/sealed-bundle';
import { readPassphrase } from './read-passphrase';
import { VaultCommand } from './vault-command';

@Command({
  name: 'export',
  description:
    'Write a sealed bundle of every credential (or one workspace): passphrase from stdin, ' +
    'scrypt + AES-256-GCM',
})
export class ExportCommand extends VaultCommand {
  constructor(private readonly transfer: CredentialTransferService) {
    super();
  }

  @Option({
    flags: '--out <file>',
    description: 'The bundle to write (must not exist)',
    required: true,
  })
  parseOut(value: string): string {
    return resolve(value);
  }

  @Option({ flags: '--workspace <id>', description: 'Export one workspace only' })
  parseWorkspace(value: string): string {
    return value;
  }

  async run(_params: string[], options: { out: string; workspace?: string }): Promise<void> {
    const passphrase = await readPassphrase();
    const problem = passphraseProblem(passphrase);
    if (problem) {
      throw new Error(problem);
    }
    const credentials = await this.transfer.exportAll(options.workspace);
    const bundle = await sealBundle(credentials, passphrase);
    // Only the sealed form is ever written; 'wx' refuses to replace an existing file.
    writeFileSync(options.out, bundle, { mode: 0o600, flag: 'wx' });
    const workspaces = new Set(credentials.map((credential) => credential.workspaceId)).size;
    console.log(
      `Exported ${credentials.length} credential(s) of ${workspaces} workspace(s) to ${options.out}`,
    );
  }
}
