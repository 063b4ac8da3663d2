import { Command, Option } from 'nest-commander';
import { KEY_ID_PATTERN } from '../config/keyring';
import { MasterKeyRotation } from '../keys/master-key-rotation';
import { VaultCommand } from './vault-command';

@Command({
  name: 'keys:rotate-master',
  description:
    'Make a new master key active and rewrap every workspace data key under it (key files: ' +
    'generates the key; ENCRYPTION_KEYS: rewraps to the first key)',
})
export class KeysRotateMasterCommand extends VaultCommand {
  constructor(private readonly rotation: MasterKeyRotation) {
    super();
  }

  @Option({ flags: '--kid <id>', description: 'The id of the new (or already added) master key' })
  parseKid(value: string): string {
    if (!KEY_ID_PATTERN.test(value)) {
      throw new Error('--kid must be 1-64 letters, digits, - or _');
    }
    return value;
  }

  async run(_params: string[], options: { kid?: string }): Promise<void> {
    const started = Date.now();
    const result = await this.rotation.rotate(options.kid);
    console.log(
      `Master key ${result.kid} is active${result.created ? ' (new key created)' : ''}; ` +
        `rewrapped ${result.rewrapped} data key(s) in ${Date.now() - started} ms.`,
    );
    for (const failure of result.failures) {
      console.error(
        `  could not rewrap ${failure.workspaceId || '(vault canary)'} v${failure.version}: ${failure.reason}`,
      );
    }
    this.failIf(result.failures.length > 0);
  }
}
