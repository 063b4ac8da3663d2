import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { InvalidationBus, InvalidationEvent } from '../../src/core/invalidation-bus';
import { CreateInvalidationLog1764640000000 } from '../../src/database/migrations/1764640000000-create-invalidation-log';
import { CreateLoginAttempts1764640001000 } from '../../src/database/migrations/1764640001000-create-login-attempts';
import { InvalidationLogEntity } from '../../src/replication/invalidation-log.entity';
import { InvalidationChannel } from '../../src/replication/invalidation-channel';
import { InvalidationLog } from '../../src/replication/invalidation-log';
import { ReplicatedTransport } from '../../src/replication/replicated-transport';
import { LoginAttemptEntity } from '../../src/session/login-attempt.entity';

/** Only the tables these tests need, made by the vault's own (portable) migrations. */
export const REPLICATION_TABLES = {
  entities: [InvalidationLogEntity, LoginAttemptEntity],
  migrations: [CreateInvalidationLog1764640000000, CreateLoginAttempts1764640001000],
  migrationsRun: true,
  logging: false as const,
};

/** One replica as far as invalidation goes: its bus, its transport, what it heard. */
export interface Node {
  readonly bus: InvalidationBus;
  readonly transport: ReplicatedTransport;
  readonly heard: InvalidationEvent[];
  resyncs: number;
  stop(): Promise<void>;
}

export async function startNode(
  dataSource: DataSource,
  channel: InvalidationChannel,
): Promise<Node> {
  const bus = new InvalidationBus();
  const transport = new ReplicatedTransport(new InvalidationLog(dataSource), channel, {
    replayWindowMs: 60_000,
  });
  const node: Node = {
    bus,
    transport,
    heard: [],
    resyncs: 0,
    stop: () => bus.detach(),
  };
  bus.subscribe({
    onInvalidation: (event) => node.heard.push(event),
    onResync: () => node.resyncs++,
  });
  await bus.attach(transport);
  return node;
}

export async function waitFor(what: string, check: () => boolean, limitMs = 5000): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > limitMs) {
      throw new Error(`Timed out after ${limitMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - started;
}

function heardKey(node: Node, apiKeyId: string): boolean {
  return node.heard.some(
    (event) => event.type === 'api-key-revoked' && event.apiKeyId === apiKeyId,
  );
}

/** Publishes `count` events on `from`; each one's time until `to` heard it. Prints p50/p99. */
export async function measureDelivery(label: string, from: Node, to: Node, count = 200) {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const apiKeyId = `${label}-${i}-${Math.random()}`;
    const started = performance.now();
    await from.bus.publish({ type: 'api-key-revoked', apiKeyId });
    await waitFor(`event ${i}`, () => heardKey(to, apiKeyId), 2000);
    latencies.push(performance.now() - started);
  }
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const p50 = at(0.5);
  const p99 = at(0.99);
  console.log(
    `${label}: ${count} invalidations, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
  );
  expect(p99).toBeLessThan(1000);
  return { p50, p99 };
}

/**
 * Kills `victim`'s channel with `kill`, then checks: it stops trusting its caches within 1 s,
 * still hears events (from the log) meanwhile, and on reconnection trusts them again after
 * dropping them (one resync).
 */
export async function proveChannelLoss(from: Node, victim: Node, kill: () => Promise<void>) {
  expect(victim.bus.isHealthy()).toBe(true);
  const resyncsBefore = victim.resyncs;
  await kill();
  const noticed = await waitFor('the victim to notice', () => !victim.bus.isHealthy(), 1000);
  console.log(`Channel loss noticed after ${noticed.toFixed(0)} ms: caches bypassed`);
  await from.bus.publish({ type: 'api-key-revoked', apiKeyId: 'during-outage' });
  const fallback = await waitFor('the log fallback', () => heardKey(victim, 'during-outage'), 1000);
  console.log(`An event sent during the outage reached it after ${fallback.toFixed(0)} ms`);
  const back = await waitFor('recovery', () => victim.bus.isHealthy(), 10_000);
  console.log(`Channel back ${back.toFixed(0)} ms later: caches dropped and trusted again`);
  expect(victim.resyncs).toBe(resyncsBefore + 1);
  const afterwards = `after-recovery-${Math.random()}`;
  await from.bus.publish({ type: 'api-key-revoked', apiKeyId: afterwards });
  await waitFor('delivery after recovery', () => heardKey(victim, afterwards), 1000);
}
