import { Command, Option } from 'nest-commander';
import { AuditEventsReader } from '../audit/audit-events.reader';
import { VaultCommand } from './vault-command';

@Command({
  name: 'audit:export',
  description:
    'Write audit events as NDJSON to stdout, oldest first, for a SIEM (--since required, --until optional)',
})
export class AuditExportCommand extends VaultCommand {
  constructor(private readonly reader: AuditEventsReader) {
    super();
  }

  @Option({
    flags: '--since <time>',
    description: 'Events at or after this time (ISO 8601, e.g. 2026-11-01T00:00:00Z)',
    required: true,
  })
  parseSince(value: string): string {
    return isoTime(value, '--since');
  }

  @Option({ flags: '--until <time>', description: 'Events before this time (ISO 8601)' })
  parseUntil(value: string): string {
    return isoTime(value, '--until');
  }

  async run(_params: string[], options: { since: string; until?: string }): Promise<void> {
    for await (const event of this.reader.inOrder({ since: options.since, until: options.until })) {
      const line = `${JSON.stringify({
        ...event,
        details: event.details === null ? null : (JSON.parse(event.details) as unknown),
      })}\n`;
      if (!process.stdout.write(line)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }
  }
}

function isoTime(value: string, flag: string): string {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new Error(`${flag} must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z`);
  }
  return time.toISOString();
}
