import { Command, Option } from 'nest-commander';
import { KeyVerification } from '../keys/key-verification';
import { progressBar } from './progress';
import { VaultCommand } from './vault-command';

@Command({
  name: 'keys:verify',
  description: 'Decrypt every row (plaintext discarded); counts per key and failures by id',
})
export class KeysVerifyCommand extends VaultCommand {
  constructor(private readonly verification: KeyVerification) {
    super();
  }

  @Option({ flags: '--json', description: 'Print JSON' })
  parseJson(): boolean {
    return true;
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const bar = progressBar('Verifying');
    const result = await this.verification
      .verify({ batchSize: 500, onProgress: bar.update })
      .finally(bar.stop);
    const clean = result.failures.length === 0 && result.canary === 'ok';
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(`Rows: ${result.rows}, decrypted: ${result.decrypted}, canary: ${result.canary}`);
      console.log('Rows per master key:');
      for (const [kid, rows] of Object.entries(result.byMasterKey)) {
        console.log(`  ${kid.padEnd(24)} ${rows}`);
      }
      console.log('Rows per data key (workspace@version):');
      for (const [key, rows] of Object.entries(result.byDataKey)) {
        console.log(`  ${key.padEnd(48)} ${rows}`);
      }
      for (const failure of result.failures) {
        console.log(`FAILED ${failure.id} (${failure.workspaceId}): ${failure.reason}`);
      }
      console.log(clean ? 'keys:verify: clean' : 'keys:verify: FAILURES');
    }
    this.failIf(!clean);
  }
}
