import { expect } from 'expect';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createCredentialBody, secretValue } from './factories';
import { within } from './eventually';
import { createWorkspace } from './identity';
import { SecretLedger } from './leak-scan';
import type { LogRecord } from './log-capture';
import { runServerToExit, spawnServer } from './spawned-server';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';
import { storeEnv } from './test-store';

const ANSI = '\u001b[';

/** The output of a spawned server as JSON records; a line that is not JSON fails the test. */
function jsonLines(output: string): LogRecord[] {
  expect(output).not.toContain(ANSI);
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogRecord;
      } catch {
        throw new Error(`Not a JSON log line: ${line.slice(0, 200)}`);
      }
    });
}

function events(records: LogRecord[]): string[] {
  return records.flatMap((record) => (typeof record.event === 'string' ? [record.event] : []));
}

describe('Request lines (JSON, in process)', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('logs the key checks and the migrations with their event at start-up', () => {
    const startup = t.logs.records.filter((record) => record.context === 'KeyCustody');
    expect(events(startup)).toEqual(expect.arrayContaining(['migrations.applied', 'keys.checked']));
    const migrations = startup.find((record) => record.event === 'migrations.applied');
    expect(migrations).toMatchObject({ level: 'info', count: expect.any(Number) });
  });

  it('writes one line per request: route template, status, request id, principal, workspace', async () => {
    const token = ledger.add(t.tokenFor({ workspaceId, sub: 'user-logs' }));
    const secret = ledger.add(secretValue());
    const queryValue = ledger.add(`query-marker-${randomBytes(8).toString('hex')}`);
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'logs-create-1')
      .send(createCredentialBody({ plainDataObj: { openAIApiKey: secret } }))
      .expect(201);
    const id = (created.body as { id: string }).id;
    await request(t.http())
      .get(`/api/v1/credentials/${id}?marker=${queryValue}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Cookie', `session=${queryValue}`)
      .set('X-Request-Id', 'logs-read-1')
      .expect(200);
    await request(t.http())
      .get(`/api/v1/credentials/${id}`)
      .set('X-Request-Id', 'logs-anonymous-1')
      .expect(401);

    const lines = t.logs.records.filter((record) => record.event === 'http.request');
    const lineOf = (requestId: string) =>
      lines.filter((record) => (record.req as { id?: string } | undefined)?.id === requestId);
    expect(lineOf('logs-read-1')).toEqual([
      expect.objectContaining({
        level: 'info',
        req: { id: 'logs-read-1', method: 'GET' },
        route: '/api/v1/credentials/:id',
        statusCode: 200,
        principalId: 'user-logs',
        workspaceId,
        responseTime: expect.any(Number),
      }),
    ]);
    expect(lineOf('logs-create-1')).toEqual([
      expect.objectContaining({ route: '/api/v1/credentials', statusCode: 201, workspaceId }),
    ]);
    expect(lineOf('logs-anonymous-1')).toEqual([
      expect.objectContaining({
        route: '/api/v1/credentials/:id',
        statusCode: 401,
        principalId: null,
        workspaceId: null,
      }),
    ]);
    for (const line of [...lineOf('logs-read-1'), ...lineOf('logs-anonymous-1')]) {
      const text = JSON.stringify(line);
      expect(text).not.toContain(id);
      expect(text).not.toContain('?');
      expect(text.toLowerCase()).not.toMatch(/authorization|cookie|bearer|headers|query|body/);
    }
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
  });

  it("gives a line logged while a request runs that request's id, and others none", async () => {
    const { workspaceId, owner } = await createWorkspace(t, 'Logs');
    ledger.add(owner.password);
    const signedIn = await request(t.http())
      .post('/api/v1/auth/login')
      .set('X-Request-Id', 'logs-login-1')
      .send({ email: owner.email, password: owner.password, workspaceId })
      .expect(200);
    const session = signedIn.body as { accessToken: string; refreshToken: string };
    ledger.add(session.accessToken);
    ledger.add(session.refreshToken);

    const line = t.logs.records.filter((record) => String(record.msg).includes(owner.id));
    expect(line).toEqual([
      expect.objectContaining({ context: 'Identity', req: { id: 'logs-login-1' } }),
    ]);
    const startup = t.logs.records.find((record) => record.event === 'keys.checked');
    expect(startup).toBeDefined();
    expect(startup?.req).toBeUndefined();
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
  });

  it('writes a line for a request its client gave up on before the answer', async () => {
    const server = t.http();
    if (server.address() === null) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // Half of the announced body, then the client hangs up.
    socket.write(
      'POST /api/v1/credentials HTTP/1.1\r\nHost: x\r\nX-Request-Id: logs-aborted-1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const aborted = () =>
      t.logs.records.filter((record) => (record.req as { id?: string })?.id === 'logs-aborted-1');
    for (let tries = 0; tries < 50 && aborted().length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(aborted()).toEqual([
      expect.objectContaining({
        event: 'http.request',
        level: 'info',
        route: '/api/v1/credentials',
        statusCode: null,
        aborted: true,
        msg: 'POST /api/v1/credentials aborted',
      }),
    ]);
  });
});

describe('Logs of the built server (JSON when not on a terminal)', () => {
  const dataDirs: string[] = [];
  after(() => dataDirs.forEach(removeDir));

  async function environment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-logs-e2e-'));
    dataDirs.push(dataDir);
    return { DATA_DIR: dataDir, RATE_LIMIT: '0', ...(await storeEnv(dataDir)), ...extra };
  }

  it('writes start-up and shutdown events as JSON lines without ANSI codes', async () => {
    const server = await spawnServer(await environment());
    await fetch(`${server.url}/credentials`);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const records = jsonLines(server.output());
    expect(events(records)).toEqual(
      expect.arrayContaining([
        'migrations.applied',
        'keys.checked',
        'startup.listening',
        'http.request',
        'shutdown.begin',
        'shutdown.complete',
      ]),
    );
    const order = ['keys.checked', 'startup.listening', 'shutdown.begin', 'shutdown.complete'];
    const positions = order.map((event) => events(records).indexOf(event));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('writes lines in batches, yet a lone request line is out within a second', async () => {
    const server = await spawnServer(await environment());
    try {
      const id = `batched-${randomBytes(4).toString('hex')}`;
      await fetch(`${server.url}/credentials`, { headers: { 'x-request-id': id } });
      const waited = await within(1000, () =>
        Promise.resolve(server.output().includes(`"id":"${id}"`)),
      );
      expect(waited).toBeLessThan(1000);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('respects LOG_LEVEL: at warn, neither start-up nor request lines are written', async () => {
    const server = await spawnServer(await environment({ LOG_LEVEL: 'warn' }));
    expect((await fetch(`${server.url}/credentials`)).status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const records = jsonLines(server.output());
    expect(records.filter((record) => !['warn', 'error', 'fatal'].includes(record.level))).toEqual(
      [],
    );
  });

  it('logs a health probe only at LOG_LEVEL=debug', async () => {
    const server = await spawnServer(await environment({ LOG_LEVEL: 'debug' }));
    server.child.kill('SIGTERM');
    await server.exited;
    const probes = jsonLines(server.output()).filter(
      (record) => record.event === 'http.request' && record.route === '/api/v1/health/ready',
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((record) => record.level === 'debug')).toBe(true);
  });

  it('refuses a bad LOG_LEVEL with a startup.refused line and exit code 1', async () => {
    const { code, stdout, stderr } = await runServerToExit(
      await environment({ LOG_LEVEL: 'loud' }),
    );
    expect(code).toBe(1);
    expect(jsonLines(`${stdout}\n${stderr}`)).toEqual([
      expect.objectContaining({
        level: 'fatal',
        event: 'startup.refused',
        reason: 'ConfigError',
        msg: expect.stringContaining(
          'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
        ),
      }),
    ]);
  });

  it('refuses a key that does not match the database with a startup.refused line', async () => {
    const env = await environment();
    const first = await spawnServer(env);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const wrongKey = randomBytes(32).toString('base64');
    const { code, stdout } = await runServerToExit({ ...env, ENCRYPTION_KEY: wrongKey });
    expect(code).toBe(1);
    expect(stdout).not.toContain(wrongKey);
    const refused = jsonLines(stdout).filter((record) => record.event === 'startup.refused');
    expect(refused).toEqual([
      expect.objectContaining({
        level: 'fatal',
        reason: 'EncryptionKeyMismatchError',
        msg: expect.stringContaining('the database was not modified'),
      }),
    ]);
  });
});
