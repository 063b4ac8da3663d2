import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type {
  InvalidationBus,
  InvalidationEvent,
  InvalidationTransport,
} from '../core/invalidation-bus';
import type { InvalidationChannel } from './invalidation-channel';
import { InvalidationLog, LoggedEvent } from './invalidation-log';

export interface ReplicatedTransportOptions {
  /** Events this recent are replayed at start: the access-token lifetime. */
  replayWindowMs: number;
  /** How often the log is read while no channel carries events (SQLite, or an outage). */
  pollMs?: number;
  /** How often it is read while the channel is up, for a NOTIFY that was lost on the way. */
  safetyPollMs?: number;
}

/** A NOTIFY payload is limited to 8000 bytes; a larger event is announced and read from the log. */
const MAX_PAYLOAD = 7000;
/** Ids may commit out of order on PostgreSQL: each poll rereads this many below the cursor. */
const REREAD = 50;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Every event goes to the `vault_invalidation` log first (durable, in the vault's own database),
 * then over the channel when there is one. Replicas replay the log's recent events at start and
 * read it by id: every `pollMs` when there is no channel (SQLite: a CLI rotation, a second
 * process) or while the channel is down, every `safetyPollMs` while it is up. The bus is healthy
 * while the channel is up (without a channel: while the log can be read).
 */
export class ReplicatedTransport implements InvalidationTransport {
  readonly origin = randomUUID();
  private readonly logger = new Logger('Invalidation');
  private readonly pollMs: number;
  private readonly safetyPollMs: number;
  private readonly seen = new Set<number>();
  private bus?: InvalidationBus;
  private cursor = 0;
  private channelUp = false;
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;
  /** Whether the last read of the log worked: a failure is logged once, not every poll. */
  private logReadable = true;

  constructor(
    private readonly log: InvalidationLog,
    private readonly channel: InvalidationChannel | undefined,
    private readonly options: ReplicatedTransportOptions,
  ) {
    this.pollMs = options.pollMs ?? 250;
    this.safetyPollMs = options.safetyPollMs ?? 5000;
  }

  async start(bus: InvalidationBus): Promise<void> {
    this.bus = bus;
    this.cursor = await this.log.newestId();
    for (const logged of await this.log.since(this.options.replayWindowMs)) {
      if (logged.id <= this.cursor) {
        this.apply(logged);
      }
    }
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    if (this.channel) {
      await this.channel.start(
        (payload) => this.onMessage(payload),
        (up) => this.onChannelState(up),
      );
    }
    this.schedulePoll();
  }

  async publish(event: InvalidationEvent): Promise<void> {
    const logged = await this.log.append(this.origin, event);
    this.seen.add(logged.id);
    if (!this.channel || !this.channelUp) {
      return;
    }
    const payload = JSON.stringify(logged);
    try {
      await this.channel.send(payload.length <= MAX_PAYLOAD ? payload : '{"poll":true}');
    } catch (error) {
      // Stored: the others read it on their next poll of the log.
      this.logger.warn(`Could not send ${event.type}: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pruneTimer);
    await this.channel?.stop();
    await this.polling;
  }

  /** Reads the log now (also what a test calls to avoid waiting for the timer). */
  poll(): Promise<void> {
    this.polling ??= this.readLog().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async readLog(): Promise<void> {
    try {
      for (const logged of await this.log.after(Math.max(0, this.cursor - REREAD))) {
        this.apply(logged);
      }
      this.logReadable = true;
      if (!this.channel) {
        this.bus?.setHealthy(true);
      }
    } catch (error) {
      if (!this.channel) {
        this.bus?.setHealthy(false);
      }
      if (this.logReadable) {
        this.logger.warn(`Could not read the invalidation log: ${(error as Error).message}`);
      }
      this.logReadable = false;
    }
  }

  private apply(logged: LoggedEvent): void {
    this.cursor = Math.max(this.cursor, logged.id);
    if (this.seen.has(logged.id)) {
      return;
    }
    this.seen.add(logged.id);
    for (const id of this.seen) {
      if (id < this.cursor - 10 * REREAD) {
        this.seen.delete(id);
      }
    }
    if (logged.origin !== this.origin) {
      this.bus?.receive(logged.event);
    }
  }

  private onMessage(payload: string): void {
    try {
      const message = JSON.parse(payload) as Partial<LoggedEvent> & { poll?: boolean };
      if (typeof message.id === 'number' && message.event && typeof message.origin === 'string') {
        this.apply(message as LoggedEvent);
      } else {
        void this.poll();
      }
    } catch {
      void this.poll();
    }
  }

  private onChannelState(up: boolean): void {
    if (this.stopped) {
      return;
    }
    this.channelUp = up;
    if (!up) {
      this.bus?.setHealthy(false);
      this.schedulePoll();
      return;
    }
    // Catch up on what the outage hid before trusting (and dropping) the caches again.
    void this.poll().then(() => {
      if (this.channelUp) {
        this.bus?.setHealthy(true);
      }
    });
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (this.stopped) {
      return;
    }
    clearTimeout(this.timer);
    const delay = this.channel && this.channelUp ? this.safetyPollMs : this.pollMs;
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedulePoll());
    }, delay);
    this.timer.unref();
  }

  private async prune(): Promise<void> {
    try {
      await this.log.prune(Math.max(2 * this.options.replayWindowMs, 3_600_000));
    } catch (error) {
      this.logger.warn(`Could not prune the invalidation log: ${(error as Error).message}`);
    }
  }
}
