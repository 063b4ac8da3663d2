import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PgNotifyChannel } from '../../src/replication/pg-notify.channel';
import { listenerConfig } from '../../src/replication/invalidation-replication';
import { DatabaseLoginAttemptStore } from '../../src/session/database-login-attempt.store';
import { LoginAttemptEntity } from '../../src/session/login-attempt.entity';
import {
  measureDelivery,
  Node,
  proveChannelLoss,
  REPLICATION_TABLES,
  startNode,
} from './replication-harness';

const baseUrl = process.env.TEST_DATABASE_URL;
const skip = baseUrl
  ? false
  : 'TEST_DATABASE_URL is not set: the PostgreSQL invalidation channel needs a real server';
const DATABASE = `vault_h3_replication_${process.pid}`;

describe('Invalidation over PostgreSQL LISTEN/NOTIFY', { skip }, () => {
  let admin: Client;
  let url: string;
  const sources: DataSource[] = [];
  const nodes: Node[] = [];
  const channels: PgNotifyChannel[] = [];

  async function replica(): Promise<Node> {
    const dataSource = new DataSource({ type: 'postgres', url, ...REPLICATION_TABLES });
    await dataSource.initialize();
    sources.push(dataSource);
    const channel = new PgNotifyChannel(listenerConfig({ url }), async (name, payload) => {
      await dataSource.query('SELECT pg_notify($1, $2)', [name, payload]);
    });
    channels.push(channel);
    const node = await startNode(dataSource, channel);
    nodes.push(node);
    return node;
  }

  before(async () => {
    admin = new Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    const target = new URL(baseUrl!);
    target.pathname = `/${DATABASE}`;
    url = target.toString();
  });

  after(async () => {
    for (const node of nodes) {
      await node.stop();
    }
    for (const dataSource of sources) {
      await dataSource.destroy();
    }
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  });

  it('delivers every event to the other replica within 1 s (p99)', async () => {
    const a = await replica();
    const b = await replica();
    await measureDelivery('postgres', a, b);
    // The publisher applies its own event once, not again when it comes back over the channel.
    await a.bus.publish({ type: 'workspace-deleted', workspaceId: 'ws-once' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.heard.filter((e) => e.type === 'workspace-deleted')).toHaveLength(1);
  });

  it('a replica whose listener is terminated bypasses its caches, then recovers', async () => {
    const [a, b] = nodes;
    const victim = channels[1];
    await proveChannelLoss(a, b, async () => {
      await admin.query('SELECT pg_terminate_backend($1)', [victim.listenerPid()]);
    });
  });

  it('replays the recent events to a replica that starts later', async () => {
    const late = await replica();
    expect(
      late.heard.some((e) => e.type === 'workspace-deleted' && e.workspaceId === 'ws-once'),
    ).toBe(true);
  });

  it('counts login attempts atomically across replicas: 20 parallel guesses, 5 pass', async () => {
    const stores = sources
      .slice(0, 2)
      .map((source) => new DatabaseLoginAttemptStore(source.getRepository(LoginAttemptEntity)));
    const now = Date.now();
    const budgets = [
      { key: 'address:198.51.100.7', max: 20 },
      { key: 'email:victim@example.com', max: 5 },
    ];
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2].take(budgets, 60_000, now)),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    const rows = await sources[0].getRepository(LoginAttemptEntity).find({ order: { key: 'ASC' } });
    expect(rows.map(({ key, count }) => ({ key, count }))).toEqual([
      { key: 'address:198.51.100.7', count: 5 },
      { key: 'email:victim@example.com', count: 5 },
    ]);
  });
});
