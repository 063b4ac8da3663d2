import { Injectable, Logger } from '@nestjs/common';
import type { Role } from './permissions';

/** Something a replica may have cached changed; every replica must hear it within a second. */
export type InvalidationEvent =
  | { readonly type: 'api-key-revoked'; readonly apiKeyId: string }
  /** Refresh families ended (logout, reuse, password change): their access tokens too. */
  | { readonly type: 'sessions-revoked'; readonly sessionIds: readonly string[] }
  /** A member's role now, or `null` once removed: tokens are narrowed to it or refused. */
  | {
      readonly type: 'membership-changed';
      readonly workspaceId: string;
      readonly userId: string;
      readonly role: Role | null;
    }
  | { readonly type: 'workspace-deleted'; readonly workspaceId: string }
  /** A data key was added or rewrapped: `null` for every workspace (master key rotation). */
  | { readonly type: 'data-keys-changed'; readonly workspaceId: string | null };

export interface InvalidationListener {
  onInvalidation(event: InvalidationEvent): void;
  /** The channel came back after an outage: drop everything cached, events may have been lost. */
  onResync?(): void;
}

/**
 * How events reach the other replicas (and, at start, how the recent ones are replayed). The
 * bus gives it `receive` for events from elsewhere and `setHealthy` for the channel's state.
 */
export interface InvalidationTransport {
  /** Resolves once the event is durable and sent; rejects when it could not be stored. */
  publish(event: InvalidationEvent): Promise<void>;
  start(bus: InvalidationBus): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The replicas' shared invalidation channel. Without a transport (one process) it is an
 * in-process event hub; the replication module attaches one at start. Listeners must be
 * idempotent: an event may arrive twice (from the channel and from the log).
 */
@Injectable()
export class InvalidationBus {
  private readonly logger = new Logger('Invalidation');
  private readonly listeners: InvalidationListener[] = [];
  private transport?: InvalidationTransport;
  private healthy = true;

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  /** Applies the event here at once, then tells the other replicas. */
  async publish(event: InvalidationEvent): Promise<void> {
    this.deliver(event);
    await this.transport?.publish(event);
  }

  /**
   * Whether this replica hears the others now. While it does not, caches must not be trusted:
   * what they hold may have been revoked elsewhere.
   */
  isHealthy(): boolean {
    return this.healthy;
  }

  async attach(transport: InvalidationTransport): Promise<void> {
    this.transport = transport;
    await transport.start(this);
  }

  async detach(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    await transport?.stop();
  }

  /** An event from another process (or replayed from the log). */
  receive(event: InvalidationEvent): void {
    this.deliver(event);
  }

  setHealthy(healthy: boolean): void {
    if (healthy === this.healthy) {
      return;
    }
    this.healthy = healthy;
    if (healthy) {
      this.logger.log('Invalidation channel back: caches dropped and trusted again');
      for (const listener of this.listeners) {
        listener.onResync?.();
      }
    } else {
      this.logger.warn('Invalidation channel lost: caches bypassed until it is back');
    }
  }

  private deliver(event: InvalidationEvent): void {
    for (const listener of this.listeners) {
      try {
        listener.onInvalidation(event);
      } catch (error) {
        this.logger.error(`A listener failed on ${event.type}: ${(error as Error).message}`);
      }
    }
  }
}
