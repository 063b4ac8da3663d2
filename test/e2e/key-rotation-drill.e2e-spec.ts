import { expect } from 'expect';
import { describe, it, before, after } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint } from '../../src/config/keyring';
import { openBundle } from '../../src/portability/sealed-bundle';
import {
  api,
  CliResult,
  finished,
  newDataDir,
  ok,
  removeDir,
  runCli,
  RunningServer,
  spawnCli,
  sql,
  startServer,
} from './key-custody-harness';

/**
 * The rotation drill: while a load of concurrent reads and merges runs against a server, the
 * operator rotates the master key and every workspace's data key from the CLI (another
 * process). Nothing may fail, nothing may be lost, and the old key must retire cleanly. Then a
 * re-encryption is killed (SIGKILL) midway, and a rerun finishes it.
 */
const WORKSPACES = ['ws-1', 'ws-2', 'ws-3', 'ws-4'];
const WORKERS = 8;
const BULK_ROWS = 600;
const PASSPHRASE = 'drill passphrase, long enough';
const MAX_LOAD_MS = 90_000;

async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        await task(item);
      }
    }),
  );
}

describe('Key rotation drill', () => {
  const dir = newDataDir();
  // The load is one principal's, as fast as the server answers: no per-principal rate limit.
  const env = { DATA_DIR: dir, RATE_LIMIT: '0' };
  const db = join(dir, 'credentials.sqlite');
  let server: RunningServer;
  let oldKid: string;
  /** Credentials under load: [workspaceId, id]. */
  const loadTargets: [string, string][] = [];
  /** The value each worker last wrote successfully, per credential: nothing may be lost. */
  const expected = new Map<string, Record<string, string>>();

  before(async () => {
    server = await startServer(env);
    oldKid = keyFingerprint(
      Buffer.from(readFileSync(join(dir, 'encryption.key'), 'utf8').trim(), 'base64'),
    );
    for (const workspaceId of WORKSPACES) {
      for (let i = 0; i < 3; i++) {
        const created = await api(server, 'POST', '/credentials', workspaceId, {
          name: `load ${i}`,
          credentialName: 'keyCustodyTest',
          plainDataObj: { openAIApiKey: `sk-load-${workspaceId}-${i}` },
        });
        expect(created.status).toBe(201);
        loadTargets.push([workspaceId, String(created.body.id)]);
        expected.set(String(created.body.id), {});
      }
    }
    await inParallel(
      Array.from({ length: BULK_ROWS }, (_, i) => i),
      10,
      async (i) => {
        const created = await api(server, 'POST', '/credentials', 'ws-bulk', {
          name: `bulk ${i}`,
          credentialName: 'keyCustodyTest',
          plainDataObj: { openAIApiKey: `sk-bulk-${i}` },
        });
        expect(created.status).toBe(201);
      },
    );
  });
  after(async () => {
    await server.stop();
    removeDir(dir);
  });

  it('rotates the master key and all data keys under load with zero failed requests', async () => {
    let stop = false;
    const failures: string[] = [];
    let requests = 0;
    const worker = async (w: number) => {
      for (let n = 1; !stop; n++) {
        const [workspaceId, id] = loadTargets[(w * 7 + n) % loadTargets.length];
        if (n % 2 === 0) {
          const read = await api(server, 'GET', `/credentials/${id}`, workspaceId);
          requests++;
          if (read.status !== 200) {
            failures.push(`GET ${id}: ${read.status} ${JSON.stringify(read.body)}`);
          }
        } else {
          // Workers merge their own field into shared credentials, concurrently.
          const merged = await api(server, 'PUT', `/credentials/${id}`, workspaceId, {
            plainDataObj: { [`w${w}`]: String(n) },
          });
          requests++;
          if (merged.status === 200) {
            expected.get(id)![`w${w}`] = String(n);
          } else {
            failures.push(`PUT ${id}: ${merged.status} ${JSON.stringify(merged.body)}`);
          }
        }
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    const guard = setTimeout(() => (stop = true), MAX_LOAD_MS);
    let master: CliResult;
    let data: CliResult;
    try {
      await new Promise((done) => setTimeout(done, 500));
      const started = Date.now();
      master = await runCli(['keys:rotate-master', '--kid', 'drill-new'], env);
      const masterMs = Date.now() - started;
      data = await runCli(['keys:rotate-data', '--all', '--batch-size', '50'], env);
      await new Promise((done) => setTimeout(done, 500));
      console.log(
        `drill: rotate-master ${masterMs} ms, rotate-data ${Date.now() - started - masterMs} ms ` +
          `(CLI processes, start-up included), ${requests} requests during the rotations`,
      );
    } finally {
      stop = true;
      clearTimeout(guard);
      await load;
    }
    ok(master);
    ok(data);
    expect(master.stdout).toContain('Master key drill-new is active');
    expect(data.stdout).toContain(`Rotated ${WORKSPACES.length + 1} workspace(s)`);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(100);

    const rows = await sql<{ workspaceId: string; encryptedData: string }>(
      db,
      'SELECT workspaceId, encryptedData FROM vault_credential',
    );
    expect(rows.filter((row) => !row.encryptedData.startsWith('v2.2.'))).toEqual([]);
  });

  it('keys:verify is clean, nothing was lost, and the old master key retires', async () => {
    const verify = JSON.parse(ok(await runCli(['keys:verify', '--json'], env)).stdout) as {
      rows: number;
      failures: unknown[];
      canary: string;
      byMasterKey: Record<string, number>;
    };
    expect(verify).toMatchObject({
      rows: loadTargets.length + BULK_ROWS,
      failures: [],
      canary: 'ok',
    });
    expect(verify.byMasterKey).toEqual({ 'drill-new': loadTargets.length + BULK_ROWS });

    await expectNothingLost();

    const retired = ok(await runCli(['keys:retire', oldKid], env));
    expect(retired.stdout).toContain(`Master key ${oldKid} retired`);
    expect(readdirSync(dir)).not.toContain('encryption.key');
    const [workspaceId, id] = loadTargets[0];
    expect(
      (
        await api(server, 'PUT', `/credentials/${id}`, workspaceId, {
          plainDataObj: { after: 'retire' },
        })
      ).status,
    ).toBe(200);
    expected.get(id)!.after = 'retire';
  });

  it('survives SIGKILL of keys:rotate-data midway; every row stays readable and a rerun finishes', async () => {
    const atV3 = async () =>
      (
        await sql<{ n: number }>(
          db,
          "SELECT COUNT(*) AS n FROM vault_credential WHERE workspaceId = 'ws-bulk' AND encryptedData LIKE 'v2.3.%'",
        )
      )[0].n;
    const child = spawnCli(
      ['keys:rotate-data', '--workspace', 'ws-bulk', '--batch-size', '10', '--throttle-ms', '25'],
      env,
    );
    const ended = finished(child);
    const deadline = Date.now() + 60_000;
    let before = await atV3();
    while (before < 50 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
      before = await atV3();
    }
    child.kill('SIGKILL');
    const killed = await ended;
    expect(killed.signal).toBe('SIGKILL');
    const partial = await atV3();
    expect(partial).toBeGreaterThanOrEqual(before);
    expect(partial).toBeLessThan(BULK_ROWS);

    // Midway: rows under both versions, every one readable (by the CLI and by the server).
    const midway = JSON.parse(ok(await runCli(['keys:verify', '--json'], env)).stdout) as {
      failures: unknown[];
      byDataKey: Record<string, number>;
    };
    expect(midway.failures).toEqual([]);
    expect(midway.byDataKey['ws-bulk@v3']).toBe(partial);
    expect(midway.byDataKey['ws-bulk@v2']).toBe(BULK_ROWS - partial);

    const rerun = ok(await runCli(['keys:rotate-data', '--workspace', 'ws-bulk'], env));
    expect(rerun.stdout).toContain('ws-bulk: data key v3 (resumed)');
    expect(rerun.stdout).toContain(`re-encrypted ${BULK_ROWS - partial} row(s)`);
    expect(await atV3()).toBe(BULK_ROWS);
    const status = JSON.parse(ok(await runCli(['keys:status', '--json'], env)).stdout) as {
      rotationsInProgress: unknown[];
    };
    expect(status.rotationsInProgress).toEqual([]);
    const final = JSON.parse(ok(await runCli(['keys:verify', '--json'], env)).stdout) as {
      failures: unknown[];
      rows: number;
    };
    expect(final).toMatchObject({ failures: [], rows: loadTargets.length + BULK_ROWS });
    await expectNothingLost();
  });

  /** Opens an export of everything and compares every secret with what was written. */
  async function expectNothingLost(): Promise<void> {
    const out = join(dir, `check-${Date.now()}.bundle`);
    ok(await runCli(['export', '--out', out], env, `${PASSPHRASE}\n`));
    const { credentials } = await openBundle(readFileSync(out, 'utf8'), PASSPHRASE);
    const byId = new Map(credentials.map((credential) => [credential.id, credential]));
    for (const [workspaceId, id] of loadTargets) {
      const secret = JSON.parse(byId.get(id)!.plainDataJson) as Record<string, string>;
      const i = Number(byId.get(id)!.name.replace('load ', ''));
      expect(secret.openAIApiKey).toBe(`sk-load-${workspaceId}-${i}`);
      for (const [field, value] of Object.entries(expected.get(id)!)) {
        expect({ id, field, value: secret[field] }).toEqual({ id, field, value });
      }
    }
    const bulk = credentials.filter((credential) => credential.workspaceId === 'ws-bulk');
    expect(bulk).toHaveLength(BULK_ROWS);
    for (const credential of bulk) {
      const i = credential.name.replace('bulk ', '');
      expect(JSON.parse(credential.plainDataJson)).toEqual({ openAIApiKey: `sk-bulk-${i}` });
    }
  }
});
