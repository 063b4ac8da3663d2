import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { optionalPeer } from '../core/optional-peer';
import { Backoff, INVALIDATION_CHANNEL, InvalidationChannel } from './invalidation-channel';

/**
 * Redis pub/sub (when `REDIS_URL` is set): one connection subscribes, one publishes. ioredis
 * reconnects (with our backoff) and subscribes again; an outage is reported, since messages
 * published meanwhile are lost for this subscriber.
 */
export class RedisChannel implements InvalidationChannel {
  readonly name = 'redis';
  private readonly logger = new Logger('Invalidation');
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private up = false;

  constructor(
    url: string,
    /** Visible in `CLIENT LIST`, so an operator (or a test) can find the subscriber. */
    readonly connectionName: string,
  ) {
    const backoff = new Backoff();
    const options = {
      lazyConnect: true,
      connectionName,
      retryStrategy: () => backoff.take(),
      maxRetriesPerRequest: 2,
    };
    const { Redis: RedisClient } = optionalPeer<typeof import('ioredis')>('ioredis', 'redisUrl');
    this.subscriber = new RedisClient(url, options);
    this.publisher = new RedisClient(url, { ...options, connectionName: `${connectionName}-pub` });
    this.subscriber.on('ready', () => backoff.reset());
    this.publisher.on('error', () => undefined);
  }

  async start(onMessage: (payload: string) => void, onState: (up: boolean) => void): Promise<void> {
    const setUp = (up: boolean) => {
      if (up !== this.up) {
        this.up = up;
        onState(up);
      }
    };
    this.subscriber.on('message', (channel: string, payload: string) => {
      if (channel === INVALIDATION_CHANNEL) {
        onMessage(payload);
      }
    });
    this.subscriber.on('error', (error: Error) =>
      this.logger.warn(`Redis invalidation channel: ${error.message}`),
    );
    this.subscriber.on('close', () => setUp(false));
    // ioredis sends SUBSCRIBE again right after 'ready' (same tick); the transport's catch-up
    // read of the log and its safety poll cover a message published in between.
    this.subscriber.on('ready', () => setUp(true));
    try {
      await this.subscriber.connect();
      await this.subscriber.subscribe(INVALIDATION_CHANNEL);
      setUp(true);
    } catch (error) {
      this.logger.warn(`Cannot subscribe to Redis: ${(error as Error).message}`);
      setUp(false);
    }
  }

  async send(payload: string): Promise<void> {
    await this.publisher.publish(INVALIDATION_CHANNEL, payload);
  }

  stop(): Promise<void> {
    this.subscriber.removeAllListeners('close');
    this.subscriber.disconnect();
    this.publisher.disconnect();
    return Promise.resolve();
  }
}
