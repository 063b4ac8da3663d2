/** The name of the PostgreSQL channel and of the Redis channel the replicas share. */
export const INVALIDATION_CHANNEL = 'vault_invalidation';

/**
 * A fast broadcast between the replicas (PostgreSQL LISTEN/NOTIFY or Redis pub/sub). It may drop
 * messages while it is down; the invalidation log covers that.
 */
export interface InvalidationChannel {
  readonly name: string;
  /** Connects, and keeps reconnecting until stopped; `onState` hears every change. */
  start(onMessage: (payload: string) => void, onState: (up: boolean) => void): Promise<void>;
  send(payload: string): Promise<void>;
  stop(): Promise<void>;
}

/** Doubles from `min` to `max`; back to `min` after a success. */
export class Backoff {
  private next: number;

  constructor(
    private readonly min = 100,
    private readonly max = 5000,
  ) {
    this.next = min;
  }

  take(): number {
    const delay = this.next;
    this.next = Math.min(this.next * 2, this.max);
    return delay;
  }

  reset(): void {
    this.next = this.min;
  }
}
