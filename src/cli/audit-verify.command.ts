import { Command, Option } from 'nest-commander';
import { AuditVerification } from '../audit/audit-verification';
import { VaultCommand } from './vault-command';

@Command({
  name: 'audit:verify',
  description:
    'Check the audit chain: every MAC, every link and the signed head; reports the first broken link (exit 1)',
})
export class AuditVerifyCommand extends VaultCommand {
  constructor(private readonly verification: AuditVerification) {
    super();
  }

  @Option({ flags: '--json', description: 'Print JSON' })
  parseJson(): boolean {
    return true;
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    const report = await this.verification.verify();
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
    } else if (report.broken) {
      console.log(`Audit trail BROKEN (${report.broken.kind}): ${report.broken.message}`);
      console.log(`${report.events} event(s) verified before the break.`);
    } else {
      const pruned =
        report.prunedThroughSeq > 0
          ? ` (events up to ${report.prunedThroughSeq} pruned by retention; checkpoint verified)`
          : '';
      console.log(
        `Audit trail intact: ${report.events} event(s) verified up to the signed head, event ${report.headSeq}${pruned}.`,
      );
    }
    this.failIf(report.broken !== undefined);
  }
}
