import { ConsoleLogger } from '@nestjs/common';

/** Nest's log lines on stderr, so stdout carries only a command's results (`--json` included). */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: Parameters<ConsoleLogger['printMessages']>[2],
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
