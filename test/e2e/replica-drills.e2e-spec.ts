import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  Answer,
  percentiles,
  ReplicaCluster,
} from './replica-cluster';
import { postgresPassOnly } from './test-store';

/**
 * Drills on three replicas of the built server on one PostgreSQL database: mixed traffic spread
 * round-robin, merges from every replica into one credential, and how fast a revocation made on
 * one replica is enforced by the others. The figures are printed for the README.
 */
const TRIALS = 20;
const CREDENTIAL_TYPE = 'drillTestApi';

describe(
  'Replica drills: three replicas on one PostgreSQL database',
  { skip: postgresPassOnly() },
  () => {
    let cluster: ReplicaCluster;
    before(async () => {
      cluster = await ReplicaCluster.start(3);
    });
    after(() => cluster?.close());

    it('answers 500 mixed requests spread over the replicas with no unexpected status', async () => {
      const unexpected: string[] = [];
      let requests = 0;
      let provoked = 0;
      const expectStatus = (what: string, answer: Answer, status: number) => {
        requests++;
        if (answer.status !== status) {
          unexpected.push(
            `${what} on replica ${answer.replica}: ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        }
      };
      const started = Date.now();
      // 10 workers x 10 rounds x (create, get, merge, list, delete) = 500, plus one provoked 404 a round.
      await Promise.all(
        Array.from({ length: 10 }, async (_, worker) => {
          const workspaceId = `ws-mixed-${worker % 5}`;
          for (let round = 0; round < 10; round++) {
            const created = await cluster.call('/credentials', {
              method: 'POST',
              workspaceId,
              body: {
                name: `mixed ${worker}-${round}`,
                credentialName: CREDENTIAL_TYPE,
                plainDataObj: { apiKey: `sk-${worker}-${round}` },
              },
            });
            expectStatus('POST', created, 201);
            const id = String(created.body.id);
            expectStatus('GET', await cluster.call(`/credentials/${id}`, { workspaceId }), 200);
            expectStatus(
              'PUT',
              await cluster.call(`/credentials/${id}`, {
                method: 'PUT',
                workspaceId,
                body: { plainDataObj: { round: String(round) } },
              }),
              200,
            );
            expectStatus('list', await cluster.call('/credentials', { workspaceId }), 200);
            expectStatus(
              'DELETE',
              await cluster.call(`/credentials/${id}`, { method: 'DELETE', workspaceId }),
              200,
            );
            // Provoked: the deleted credential is gone on whichever replica answers next.
            const gone = await cluster.call(`/credentials/${id}`, { workspaceId });
            provoked++;
            if (gone.status !== 404) {
              unexpected.push(`GET after DELETE on replica ${gone.replica}: ${gone.status}`);
            }
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `drill mixed: ${requests} requests (+${provoked} provoked 404s) over 3 replicas in ${seconds.toFixed(1)} s, ` +
          `${unexpected.length} unexpected statuses`,
      );
      expect(unexpected).toEqual([]);
      expect(requests).toBe(500);
    });

    it('keeps all of 50 merges (no If-Match) spread over the replicas', async () => {
      const workspaceId = 'ws-merges';
      const created = await cluster.call('/credentials', {
        method: 'POST',
        workspaceId,
        body: {
          name: 'merge target',
          credentialName: CREDENTIAL_TYPE,
          plainDataObj: { base: 'kept' },
        },
      });
      expect(created.status).toBe(201);
      const id = String(created.body.id);
      const merges = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          cluster.call(`/credentials/${id}`, {
            method: 'PUT',
            workspaceId,
            body: { plainDataObj: { [`k${i}`]: `v${i}` } },
          }),
        ),
      );
      expect(merges.map((answer) => answer.status)).toEqual(Array(50).fill(200));
      expect(new Set(merges.map((answer) => answer.replica)).size).toBe(3);
      const stored = await cluster.call(`/credentials/${id}`, { workspaceId });
      const keys = Object.keys(stored.body.plainDataObj as Record<string, unknown>).sort();
      const expected = ['base', ...Array.from({ length: 50 }, (_, i) => `k${i}`)].sort();
      console.log(
        `drill merges: 50 concurrent merges over 3 replicas, ${keys.length - 1} of 50 keys present`,
      );
      expect(keys).toEqual(expected);
    });

    /** Polls the other two replicas with a token until both refuse it; the ms each took. */
    async function refusedWithin(
      authorization: string,
      revokedOn: number,
      revoke: () => Promise<Answer>,
    ) {
      const others = [0, 1, 2].filter((index) => index !== revokedOn);
      for (const replica of others) {
        expect((await cluster.call('/credentials', { authorization, replica })).status).toBe(200);
      }
      const revoked = await revoke();
      expect(revoked.status).toBe(204);
      const since = Date.now();
      return Promise.all(
        others.map(async (replica) => {
          while (Date.now() - since < 10_000) {
            const answer = await cluster.call('/credentials', { authorization, replica });
            if (answer.status === 401) {
              return Date.now() - since;
            }
            expect(answer.status).toBe(200);
            await sleep(5);
          }
          throw new Error(`replica ${replica} still accepts the revoked token after 10 s`);
        }),
      );
    }

    async function login(replica: number) {
      const answer = await cluster.call('/auth/login', {
        method: 'POST',
        replica,
        authorization: '',
        body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      });
      expect(answer.status).toBe(200);
      return answer.body as unknown as {
        accessToken: string;
        refreshToken: string;
        workspace: { id: string };
      };
    }

    it(`enforces a logout and an API key revocation on the other replicas within 1 s (p99 of ${TRIALS} trials each)`, async () => {
      const logout: number[] = [];
      const apiKey: number[] = [];
      const admin = await login(0);
      for (let trial = 0; trial < TRIALS; trial++) {
        const on = trial % 3;
        const session = await login(on);
        logout.push(
          ...(await refusedWithin(`Bearer ${session.accessToken}`, on, () =>
            cluster.call('/auth/logout', {
              method: 'POST',
              replica: on,
              authorization: '',
              body: { refreshToken: session.refreshToken },
            }),
          )),
        );
        const workspaceId = admin.workspace.id;
        const key = await cluster.call(`/workspaces/${workspaceId}/api-keys`, {
          method: 'POST',
          authorization: `Bearer ${admin.accessToken}`,
          body: { name: `drill ${trial}`, permissions: ['credentials:view'] },
        });
        expect(key.status).toBe(201);
        apiKey.push(
          ...(await refusedWithin(`Bearer ${String(key.body.key)}`, on, () =>
            cluster.call(`/workspaces/${workspaceId}/api-keys/${String(key.body.id)}`, {
              method: 'DELETE',
              replica: on,
              authorization: `Bearer ${admin.accessToken}`,
            }),
          )),
        );
      }
      const figures = { logout: percentiles(logout), apiKey: percentiles(apiKey) };
      for (const [what, { p50, p99, max }] of Object.entries(figures)) {
        console.log(
          `drill revocation (${what}): ${TRIALS} trials x 2 replicas, refused after p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`,
        );
      }
      expect(figures.logout.p99).toBeLessThanOrEqual(1000);
      expect(figures.apiKey.p99).toBeLessThanOrEqual(1000);
    });
  },
);
