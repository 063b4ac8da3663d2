import * as fastq from 'fastq';
import { BusyException } from '../common/busy.exception';

/** Derivations at once: each holds its memory cost (32 MiB at our cost) and a thread. */
export const HASHING_CONCURRENCY = 2;
/** Logins that may wait for a turn; beyond them a login is a 503, not more memory. */
export const HASHING_QUEUE_LENGTH = 32;

/**
 * Runs password derivations a few at a time. Without it every parallel login starts its own
 * scrypt at once: memory grows with the flood (16 logins took RSS from 150 to 659 MB) and the
 * thread pool is taken from file and crypto work. A full queue answers 503 + Retry-After.
 */
export class HashingQueue {
  private readonly queue: fastq.queueAsPromised<() => Promise<Buffer>, Buffer>;

  constructor(
    readonly concurrency = HASHING_CONCURRENCY,
    private readonly maxWaiting = HASHING_QUEUE_LENGTH,
  ) {
    this.queue = fastq.promise((task) => task(), concurrency);
  }

  run(task: () => Promise<Buffer>): Promise<Buffer> {
    if (this.queue.length() >= this.maxWaiting) {
      return Promise.reject(new BusyException('Too many sign-ins at once; retry in a moment', 1));
    }
    return this.queue.push(task);
  }

  /** Derivations running now (for tests and metrics). */
  running(): number {
    return this.queue.running();
  }
}
