import { CommandRunner } from 'nest-commander';

/** What every operator command shares: results on stdout, refusals on stderr with exit code. */
export abstract class VaultCommand extends CommandRunner {
  /** Prints a refusal and makes the process exit non-zero once the command returns. */
  protected refuse(message: string, exitCode = 1): void {
    console.error(message);
    process.exitCode = exitCode;
  }

  /** Exits non-zero when a run left failures, after they were printed. */
  protected failIf(failed: boolean): void {
    if (failed) {
      process.exitCode = 1;
    }
  }
}
