import { expect } from 'expect';
import Redis from 'ioredis';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { RedisChannel } from '../../src/replication/redis.channel';
import { RedisLoginAttemptStore } from '../../src/session/redis-login-attempt.store';
import {
  measureDelivery,
  Node,
  proveChannelLoss,
  REPLICATION_TABLES,
  startNode,
} from './replication-harness';

const redisUrl = process.env.TEST_REDIS_URL;
const skip = redisUrl ? false : 'TEST_REDIS_URL is not set: the Redis channel needs a real server';

describe('Invalidation over Redis pub/sub (the log on SQLite)', { skip }, () => {
  let dir: string;
  let dataSource: DataSource;
  let admin: Redis;
  const nodes: Node[] = [];
  const names = [0, 1].map((i) => `vault-h3-test-${process.pid}-${i}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vault-redis-'));
    dataSource = new DataSource({
      type: 'sqlite',
      database: join(dir, 'log.sqlite'),
      enableWAL: true,
      busyTimeout: 5000,
      ...REPLICATION_TABLES,
    });
    await dataSource.initialize();
    admin = new Redis(redisUrl!);
    for (const name of names) {
      nodes.push(await startNode(dataSource, new RedisChannel(redisUrl!, name)));
    }
  });

  after(async () => {
    for (const node of nodes) {
      await node.stop();
    }
    admin.disconnect();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event to the other replica within 1 s (p99)', async () => {
    const { p99 } = await measureDelivery('redis', nodes[0], nodes[1]);
    expect(p99).toBeGreaterThan(0);
  });

  it('a replica whose subscriber connection is killed bypasses its caches, then recovers', async () => {
    await proveChannelLoss(nodes[0], nodes[1], async () => {
      const clients = (await admin.client('LIST')) as string;
      const line = clients.split('\n').find((entry) => entry.includes(` name=${names[1]} `));
      const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      await admin.client('KILL', 'ID', id!);
    });
  });

  it('counts login attempts atomically across replicas: 20 parallel guesses, 5 pass', async () => {
    const stores = [new RedisLoginAttemptStore(redisUrl!), new RedisLoginAttemptStore(redisUrl!)];
    const email = `email:victim-${process.pid}-${Date.now()}@example.com`;
    const budgets = [{ key: email, max: 5 }];
    try {
      const waits = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % 2].take(budgets, 60_000)),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
      expect(Math.min(...waits.filter((wait) => wait > 0))).toBeGreaterThan(50_000);
      await stores[0].giveBack(email);
      expect(await stores[1].take(budgets, 60_000)).toBe(0);
      await stores[1].forget(email);
      expect(await admin.exists(`{vault-login}:${email}`)).toBe(0);
    } finally {
      stores.forEach((store) => store.onModuleDestroy());
    }
  });
});
