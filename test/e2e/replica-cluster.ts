import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JWT_SECRET, runCli, CliResult, tokenFor } from './key-custody-harness';
import { spawnServer, SpawnedServer } from './spawned-server';
import { removeDir } from './test-app';
import { dropDatabaseFor, storeEnv } from './test-store';

/**
 * The drills' cluster: replicas of the built server (separate processes) on one PostgreSQL
 * database, sharing their keys through one DATA_DIR, behind a client that spreads requests
 * round-robin and, like a load balancer, sends a request that got no answer (connection refused
 * or cut) to the next replica, and probes readiness every 200 ms to route only to ready replicas
 * (the replicas' SHUTDOWN_DELAY, 1 s, is longer than that, as the README asks).
 */
const PROBE_INTERVAL_MS = 200;
export const ADMIN_EMAIL = 'drill-admin@example.com';
export const ADMIN_PASSWORD = 'drill admin password 0123';

export interface Answer {
  status: number;
  body: Record<string, unknown> & unknown[];
  headers: Headers;
  /** The replica that answered. */
  replica: number;
}

export interface Call {
  method?: string;
  body?: unknown;
  /** `Bearer …`; default: a token for `workspaceId`. */
  authorization?: string;
  workspaceId?: string;
  headers?: Record<string, string>;
  /** Only this replica, no retry elsewhere. */
  replica?: number;
}

export class ReplicaCluster {
  readonly replicas: (SpawnedServer | undefined)[] = [];
  /** Requests retried on the next replica after a connection error. */
  retries = 0;
  private next = 0;
  /** What the last readiness probe said of each replica. */
  private readonly ready: boolean[] = [];
  private readonly prober = setInterval(() => void this.probe(), PROBE_INTERVAL_MS).unref();
  /** What replicas stopped since the start wrote. */
  private readonly stoppedOutput: string[] = [];

  private constructor(readonly dataDir: string) {}

  static async start(size: number): Promise<ReplicaCluster> {
    const cluster = new ReplicaCluster(mkdtempSync(join(tmpdir(), 'vault-drill-')));
    // The first start generates the keys in DATA_DIR and migrates; the others share both.
    await cluster.startReplica(0);
    await Promise.all(Array.from({ length: size - 1 }, (_, i) => cluster.startReplica(i + 1)));
    return cluster;
  }

  async startReplica(index: number): Promise<void> {
    const replica = await spawnServer({
      ...(await storeEnv(this.dataDir)),
      DATA_DIR: this.dataDir,
      JWT_SECRET,
      CREDENTIAL_TYPES: 'permissive',
      RATE_LIMIT: '0',
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      SHUTDOWN_DELAY: '1s',
      SHUTDOWN_TIMEOUT: '10s',
    });
    this.replicas[index] = replica;
    this.ready[index] = true;
  }

  /** SIGTERM, then waits for the exit code. */
  async stopReplica(index: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const replica = this.replicas[index];
    if (!replica) {
      return null;
    }
    replica.child.kill(signal);
    const code = await replica.exited;
    this.stoppedOutput.push(replica.output());
    this.replicas[index] = undefined;
    this.ready[index] = false;
    return code;
  }

  async close(): Promise<void> {
    clearInterval(this.prober);
    await Promise.all(this.replicas.map((_, i) => this.stopReplica(i, 'SIGKILL')));
    await dropDatabaseFor(this.dataDir);
    removeDir(this.dataDir);
  }

  cli(args: string[]): Promise<CliResult> {
    return runCli(args, { DATA_DIR: this.dataDir });
  }

  output(): string {
    return this.replicas.map((replica) => replica?.output() ?? '').join('\n');
  }

  /** The warn and error lines every replica, stopped ones too, logged: why a request failed. */
  problems(): string[] {
    return [...this.stoppedOutput, this.output()]
      .join('\n')
      .split('\n')
      .filter((line) => /"level":"(warn|error|fatal)"/.test(line));
  }

  /** One request, round-robin; retried on the following replicas while none answers. */
  async call(path: string, call: Call = {}): Promise<Answer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      const index = call.replica ?? this.pick();
      const replica = this.replicas[index];
      if (replica) {
        try {
          return await this.send(replica, index, path, call);
        } catch (error) {
          lastError = error;
          if (call.replica !== undefined) {
            throw error;
          }
        }
      }
      this.retries++;
      // Every replica tried once: give a restarting one a moment.
      if (attempt % this.replicas.length === this.replicas.length - 1) {
        await sleep(50);
      }
    }
    throw new Error(`No replica answered ${call.method ?? 'GET'} ${path}: ${String(lastError)}`);
  }

  /** The next ready replica, round-robin; when none is, the next one anyway. */
  private pick(): number {
    for (let tried = 0; tried < this.replicas.length; tried++) {
      const index = this.next++ % this.replicas.length;
      if (this.ready[index]) {
        return index;
      }
    }
    return this.next++ % this.replicas.length;
  }

  private async probe(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (replica, index) => {
        if (!replica) {
          return;
        }
        const ready = await fetch(`${replica.url}/health/ready`).then(
          (response) => response.ok,
          () => false,
        );
        // A replica replaced meanwhile keeps what its own start said.
        if (this.replicas[index] === replica) {
          this.ready[index] = ready;
        }
      }),
    );
  }

  private async send(
    replica: SpawnedServer,
    index: number,
    path: string,
    call: Call,
  ): Promise<Answer> {
    const response = await fetch(`${replica.url}${path}`, {
      method: call.method ?? 'GET',
      headers: {
        authorization: call.authorization ?? `Bearer ${tokenFor(call.workspaceId ?? 'ws-drill')}`,
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...call.headers,
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Answer['body'],
      headers: response.headers,
      replica: index,
    };
  }
}

/** p50 and p99 of a list of durations, nearest rank. */
export function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] };
}

/** Runs `task` on `workers` concurrent loops until it returns false or `stop()` says so. */
export async function underLoad(
  workers: number,
  task: (worker: number, n: number) => Promise<void>,
  stop: () => boolean,
): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let n = 0; !stop(); n++) {
        await task(worker, n);
      }
    }),
  );
}
