import { ConsoleLogger, ConsoleLoggerOptions } from '@nestjs/common';

/**
 * Nest's log lines on stderr, so stdout carries only a command's results (`--json` included);
 * coloured only on a terminal, so a redirected stderr holds no ANSI codes.
 */
export class StderrLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions = {}) {
    super({ colors: process.stderr.isTTY === true, ...options });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: Parameters<ConsoleLogger['printMessages']>[2],
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
