import { Inject } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { OpenDatabase } from '../database/open-database';
import { collectCredentials } from '../portability/credential-portability';
import { passphraseProblem, sealBundle } from '../portability/sealed-bundle';
import { OPEN_DATABASE } from './open-database.token';
import { readPassphrase } from './read-passphrase';

@Command({
  name: 'export',
  description:
    'Write a sealed bundle of every credential (or one workspace): passphrase from stdin, ' +
    'scrypt + AES-256-GCM',
})
export class ExportCommand extends CommandRunner {
  constructor(@Inject(OPEN_DATABASE) private readonly database: OpenDatabase) {
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
    const credentials = await collectCredentials(
      this.database.dataSource,
      this.database.encryption,
      options.workspace,
    );
    const bundle = await sealBundle(credentials, passphrase);
    // Only the sealed form is ever written; 'wx' refuses to replace an existing file.
    writeFileSync(options.out, bundle, { mode: 0o600, flag: 'wx' });
    const workspaces = new Set(credentials.map((credential) => credential.workspaceId)).size;
    console.log(
      `Exported ${credentials.length} credential(s) of ${workspaces} workspace(s) to ${options.out}`,
    );
  }
}
