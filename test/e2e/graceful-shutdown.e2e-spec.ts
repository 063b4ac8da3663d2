import { expect } from 'expect';
import { sign } from 'jsonwebtoken';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createCredentialBody } from './factories';
import { spawnServer, SpawnedServer } from './spawned-server';
import { removeDir } from './test-app';

const JWT_SECRET = 'graceful-shutdown-e2e-jwt-secret-0123456789';
const AUTHORIZATION = `Bearer ${sign({ sub: 'user-1', workspaceId: 'ws-drain' }, JWT_SECRET, {
  algorithm: 'HS256',
  expiresIn: 600,
})}`;

interface Answer {
  status: number;
  body: string;
}

/**
 * A create whose body is sent in two halves: in flight from the first half until `finish()`,
 * so the test decides when it ends (before or after the SIGTERM).
 */
function slowCreate(server: SpawnedServer) {
  const body = JSON.stringify(createCredentialBody());
  const half = Math.floor(body.length / 2);
  const request = httpRequest(`${server.url}/credentials`, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: AUTHORIZATION,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const answer = new Promise<Answer>((done, fail) => {
    request.on('response', (response: IncomingMessage) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', fail);
  });
  request.write(body.slice(0, half));
  return {
    answer,
    finish: () => request.end(body.slice(half)),
  };
}

describe('Graceful shutdown of the built server', () => {
  const dataDirs: string[] = [];
  after(() => dataDirs.forEach(removeDir));

  function environment(extra: Record<string, string>): Record<string, string> {
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-shutdown-e2e-'));
    dataDirs.push(dataDir);
    return { DATA_DIR: dataDir, JWT_SECRET, RATE_LIMIT: '0', ...extra };
  }

  it('fails readiness first, drains the requests in flight, refuses new connections, exits 0', async () => {
    const server = await spawnServer(environment({ SHUTDOWN_DELAY: '1s', SHUTDOWN_TIMEOUT: '8s' }));
    const inFlight = Array.from({ length: 20 }, () => slowCreate(server));
    const busy = Array.from({ length: 30 }, () =>
      fetch(`${server.url}/credentials`, { headers: { authorization: AUTHORIZATION } }),
    );
    await sleep(200);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await sleep(200);
    // During SHUTDOWN_DELAY: not ready, still alive, still serving.
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    expect((await Promise.all(busy)).map((response) => response.status)).toEqual(
      Array(30).fill(200),
    );

    await sleep(1200);
    // Draining: the listener is closed, the requests in flight are not.
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    inFlight.forEach((request) => request.finish());
    const answers = await Promise.all(inFlight.map((request) => request.answer));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));

    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(server.output()).toContain('Shut down cleanly');
  });

  it('exits 0 within SHUTDOWN_TIMEOUT despite a hung request and an idle keep-alive connection', async () => {
    const server = await spawnServer(environment({ SHUTDOWN_TIMEOUT: '6s' }));
    const hung = slowCreate(server);
    hung.answer.catch(() => undefined);
    const idle = connect(server.port, '127.0.0.1');
    idle.on('error', () => undefined);
    idle.write(`GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
    const partial = connect(server.port, '127.0.0.1');
    partial.on('error', () => undefined);
    partial.write('GET /api/v1/credentials HTTP/1.1\r\nHost: x\r\n');
    await sleep(300);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const took = Date.now() - signalled;
    // The connections are cut 2 s before the timeout (4 s after the signal), then the pool closes.
    expect(took).toBeLessThan(6000);
    expect(took).toBeGreaterThan(3500);
    expect(server.output()).toContain('closing their connections');
    idle.destroy();
    partial.destroy();
  });

  it('answers a request that arrives while closing with our 503 and Retry-After', async () => {
    const server = await spawnServer(environment({ SHUTDOWN_TIMEOUT: '5s' }));
    // Headers half sent: the connection is busy (not reaped as idle) until the request ends.
    const late = connect(server.port, '127.0.0.1');
    late.on('error', () => undefined);
    let text = '';
    late.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise((done) => late.on('close', done));
    late.write('GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n');
    await sleep(300);

    server.child.kill('SIGTERM');
    // The listener is closed once the close has begun.
    for (
      let i = 0;
      i < 100 &&
      (await fetch(`${server.url}/health/live`).then(
        () => true,
        () => false,
      ));
      i++
    ) {
      await sleep(20);
    }
    late.write('\r\n');
    await ended;
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(head).toMatch(/\r\nconnection: close\r\n/i);
    expect(head).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({
      statusCode: 503,
      message: 'This server is shutting down; retry (another replica will answer)',
      error: 'Service Unavailable',
    });
    expect(await server.exited).toBe(0);
  });
});
