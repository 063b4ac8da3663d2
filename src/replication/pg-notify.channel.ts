import { Logger } from '@nestjs/common';
import type { Client, ClientConfig } from 'pg';
import { optionalPeer } from '../core/optional-peer';
import { Backoff, INVALIDATION_CHANNEL, InvalidationChannel } from './invalidation-channel';

/** Sends one NOTIFY; the vault passes its pool, so sending does not depend on the listener. */
export type Notify = (channel: string, payload: string) => Promise<void>;

/**
 * PostgreSQL LISTEN/NOTIFY: a dedicated client listens (a pooled connection would be handed to
 * other queries); notifications go out through the pool. A lost listener reconnects with
 * backoff and reports the outage, since NOTIFY sent meanwhile never reaches it.
 */
export class PgNotifyChannel implements InvalidationChannel {
  readonly name = 'postgres';
  private readonly logger = new Logger('Invalidation');
  private readonly backoff = new Backoff();
  private client?: Client;
  private pid?: number;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private onMessage: (payload: string) => void = () => undefined;
  private onState: (up: boolean) => void = () => undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly notify: Notify,
  ) {}

  async start(onMessage: (payload: string) => void, onState: (up: boolean) => void): Promise<void> {
    this.onMessage = onMessage;
    this.onState = onState;
    await this.connect();
  }

  send(payload: string): Promise<void> {
    return this.notify(INVALIDATION_CHANNEL, payload);
  }

  /** The listener's backend pid (tests end it with `pg_terminate_backend`). */
  listenerPid(): number | undefined {
    return this.pid;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const { Client: PgClient } = optionalPeer<typeof import('pg')>('pg', 'PostgreSQL');
    const client = new PgClient(this.config);
    client.on('notification', (message) => {
      if (message.channel === INVALIDATION_CHANNEL && message.payload !== undefined) {
        this.onMessage(message.payload);
      }
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
      const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.pid = result.rows[0]?.pid;
    } catch (error) {
      this.logger.warn(`Cannot listen for invalidations: ${(error as Error).message}`);
      this.lost(client);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoff.reset();
    this.onState(true);
  }

  private lost(client: Client): void {
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped || this.retry !== undefined) {
      return;
    }
    const wasUp = this.client === client;
    if (wasUp) {
      this.client = undefined;
    }
    this.onState(false);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.backoff.take());
    this.retry.unref();
  }
}
