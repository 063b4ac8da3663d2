import { expect } from 'expect';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ok } from './key-custody-harness';
import { Answer, Call, ReplicaCluster, underLoad } from './replica-cluster';
import { postgresPassOnly } from './test-store';

/**
 * Drills on three replicas under continuous load: a rolling restart (SIGTERM, wait, start, one
 * at a time), a replica SIGKILLed while clients retry their creates with an Idempotency-Key,
 * and `keys:rotate-data` while all three serve. The client retries a request that got no answer
 * on the next replica, as a load balancer would; any other failure counts.
 */
const CREDENTIAL_TYPE = 'drillTestApi';

describe(
  'Replica drills under load: restarts, a crash, a key rotation',
  { skip: postgresPassOnly() },
  () => {
    let cluster: ReplicaCluster;
    before(async () => {
      cluster = await ReplicaCluster.start(3);
    });
    after(() => cluster?.close());

    async function seed(workspaceId: string, count: number): Promise<string[]> {
      const ids: string[] = [];
      await underLoad(
        10,
        async () => {
          const created = await cluster.call('/credentials', {
            method: 'POST',
            workspaceId,
            body: {
              name: `seed ${ids.length}`,
              credentialName: CREDENTIAL_TYPE,
              plainDataObj: { apiKey: randomUUID() },
            },
          });
          expect(created.status).toBe(201);
          ids.push(String(created.body.id));
        },
        () => ids.length >= count,
      );
      return ids;
    }

    /** Reads, lists, merges and idempotent creates on `ids` until stopped; what failed. */
    function mixedLoad(workspaceId: string, ids: string[], stop: () => boolean) {
      const failures: string[] = [];
      let requests = 0;
      const expectOk = async (what: string, path: string, call: Call, status: number) => {
        try {
          const answer = await cluster.call(path, { workspaceId, ...call });
          requests++;
          if (answer.status !== status) {
            failures.push(
              `${what} on replica ${answer.replica}: ${answer.status} ${JSON.stringify(answer.body)}`,
            );
          }
        } catch (error) {
          failures.push(`${what}: ${String(error)}`);
        }
      };
      const done = underLoad(
        6,
        async (worker, n) => {
          const id = ids[(worker * 7 + n) % ids.length];
          switch (n % 4) {
            case 0:
              return expectOk('GET', `/credentials/${id}`, {}, 200);
            case 1:
              return expectOk('list', '/credentials', {}, 200);
            case 2:
              return expectOk(
                'PUT',
                `/credentials/${id}`,
                { method: 'PUT', body: { plainDataObj: { [`w${worker}`]: String(n) } } },
                200,
              );
            default:
              return expectOk(
                'POST',
                '/credentials',
                {
                  method: 'POST',
                  headers: { 'idempotency-key': randomUUID() },
                  body: {
                    name: `load ${worker}-${n}`,
                    credentialName: CREDENTIAL_TYPE,
                    plainDataObj: { apiKey: `sk-${n}` },
                  },
                },
                201,
              );
          }
        },
        stop,
      );
      return { failures, requests: () => requests, done };
    }

    /** No failed request; else what the replicas logged of it too. */
    function expectNoFailure(failures: string[]): void {
      if (failures.length > 0) {
        console.log(`replicas' warnings and errors:\n${cluster.problems().join('\n')}`);
      }
      expect(failures).toEqual([]);
    }

    it('restarts the three one by one under load with no failed request', async () => {
      const ids = await seed('ws-rolling', 30);
      let stop = false;
      const load = mixedLoad('ws-rolling', ids, () => stop);
      const retriesBefore = cluster.retries;
      const started = Date.now();
      const exits: (number | null)[] = [];
      try {
        await sleep(500);
        for (let index = 0; index < 3; index++) {
          exits.push(await cluster.stopReplica(index));
          await cluster.startReplica(index);
          await sleep(300);
        }
      } finally {
        stop = true;
        await load.done;
      }
      console.log(
        `drill rolling restart: ${load.requests()} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${load.failures.length} failed, ${cluster.retries - retriesBefore} retried on another replica`,
      );
      expect(exits).toEqual([0, 0, 0]);
      expectNoFailure(load.failures);
    });

    // A create under a key writes under an id derived from the key and the body: a retry after
    // the replica died between the write and keeping its answer finds the credential (201, replayed).
    it('keeps exactly one credential per Idempotency-Key when a replica is SIGKILLed mid-load', async () => {
      const workspaceId = 'ws-crash';
      const keys: string[] = [];
      const outcomes: Record<string, number> = {};
      /** Retries one create until it has a final answer: connection errors and 409 (in progress). */
      const createOnce = async (key: string): Promise<Answer> => {
        const deadline = Date.now() + 120_000;
        for (;;) {
          const answer = await cluster
            .call('/credentials', {
              method: 'POST',
              workspaceId,
              headers: { 'idempotency-key': key },
              body: {
                name: key,
                credentialName: CREDENTIAL_TYPE,
                plainDataObj: { apiKey: `sk-${key}` },
              },
            })
            .catch(() => undefined);
          const label = answer ? String(answer.status) : 'no answer';
          outcomes[label] = (outcomes[label] ?? 0) + 1;
          if (answer && answer.status !== 409 && answer.status < 500) {
            return answer;
          }
          if (Date.now() > deadline) {
            throw new Error(`${key}: no final answer after 120 s (last ${label})`);
          }
          await sleep(answer?.status === 409 ? 1000 : 50);
        }
      };
      let stop = false;
      const final: Answer[] = [];
      const retriesBefore = cluster.retries;
      const started = Date.now();
      const load = underLoad(
        8,
        async () => {
          const key = randomUUID();
          keys.push(key);
          final.push(await createOnce(key));
        },
        () => stop,
      );
      await sleep(1500);
      const killed = await cluster.stopReplica(1, 'SIGKILL');
      await sleep(1500);
      stop = true;
      await load;
      await cluster.startReplica(1);

      const listed = await cluster.call('/credentials', { workspaceId });
      const names = (listed.body as Array<{ name: string }>).map((credential) => credential.name);
      const perKey = new Map(keys.map((key) => [key, 0]));
      names.forEach((name) => perKey.set(name, (perKey.get(name) ?? 0) + 1));
      const notOne = [...perKey].filter(([, count]) => count !== 1);
      console.log(
        `drill SIGKILL: ${keys.length} keys, ${names.length} credentials, answers ${JSON.stringify(outcomes)}, ` +
          `${cluster.retries - retriesBefore} sent again to another replica after no answer, ` +
          `${notOne.length} keys without exactly one credential, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(killed).toBeNull();
      expect(final.map((answer) => answer.status)).toEqual(Array(keys.length).fill(201));
      expect(notOne).toEqual([]);
    });

    it('rotates every data key while the three serve: no failed request, keys:verify clean', async () => {
      const ids = await seed('ws-rotate', 30);
      await seed('ws-rotate-bulk', 270);
      let stop = false;
      const load = mixedLoad('ws-rotate', ids, () => stop);
      const started = Date.now();
      let rotation;
      try {
        await sleep(300);
        rotation = await cluster.cli(['keys:rotate-data', '--all', '--batch-size', '50']);
        await sleep(300);
      } finally {
        stop = true;
        await load.done;
      }
      ok(rotation);
      const verify = JSON.parse(ok(await cluster.cli(['keys:verify', '--json'])).stdout) as {
        rows: number;
        failures: unknown[];
        canary: string;
      };
      console.log(
        `drill rotate-data: ${load.requests()} requests during ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${load.failures.length} failed; keys:verify ${verify.rows} rows, ${verify.failures.length} failures`,
      );
      expectNoFailure(load.failures);
      expect(verify.failures).toEqual([]);
      expect(verify.canary).toBe('ok');
    });
  },
);
