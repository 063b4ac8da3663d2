import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { InvalidationBus } from '../core/invalidation-bus';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { InvalidationChannel } from './invalidation-channel';
import { InvalidationLog } from './invalidation-log';
import { PgNotifyChannel } from './pg-notify.channel';
import { RedisChannel } from './redis.channel';
import { ReplicatedTransport } from './replicated-transport';
import { InjectVaultDataSource } from '../core/vault-data-source';

/**
 * Connects the bus to the other replicas once every listener has subscribed (so the replay of
 * recent events reaches them all), and disconnects it first on shutdown.
 */
@Injectable()
export class InvalidationReplication implements OnApplicationBootstrap, OnModuleDestroy {
  readonly transport: ReplicatedTransport;

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @InjectVaultDataSource() dataSource: DataSource,
    private readonly bus: InvalidationBus,
  ) {
    this.transport = new ReplicatedTransport(
      new InvalidationLog(dataSource),
      channelFor(options, dataSource),
      {
        replayWindowMs: (options.accessTokenTtlSeconds ?? 900) * 1000,
        pollMs: options.invalidation?.pollIntervalMs,
      },
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.bus.attach(this.transport);
  }

  onModuleDestroy(): Promise<void> {
    return this.bus.detach();
  }
}

function channelFor(
  options: CredentialsServiceOptions,
  dataSource: DataSource,
): InvalidationChannel | undefined {
  const redisUrl = options.redisUrl;
  if (redisUrl !== undefined) {
    return new RedisChannel(redisUrl, `vault-invalidation-${process.pid}`);
  }
  if (dataSource.options.type === 'postgres') {
    return new PgNotifyChannel(
      listenerConfig(dataSource.options as unknown as PostgresLike),
      async (channel, payload) => {
        await dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
      },
    );
  }
  return undefined;
}

interface PostgresLike {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  ssl?: ClientConfig['ssl'];
}

/** The listener connects as the DataSource does (same URL, credentials and TLS). */
export function listenerConfig(options: PostgresLike): ClientConfig {
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl,
  };
}
