import { expect } from 'expect';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCredentialBody } from './factories';
import {
  COMPILED_SRC,
  newDataDir,
  randomKey,
  removeDir,
  ROOT,
  RunningServer,
  startServer,
  tokenFor,
} from './key-custody-harness';

/**
 * `npm start` runs the server bundled into one file (scripts/bundle-server.js) through
 * start.js, which adds V8's code cache. The rest of the suite runs the unbundled build, so
 * this test bundles the build under test and checks that the bundle answers as that build does:
 * the same OpenAPI document (every route and DTO), the same validation errors (class-validator's
 * metadata is one instance), the database health check, Swagger UI's files; and that the code
 * cache is written once and then used, not rewritten.
 */
const BUNDLE = join(COMPILED_SRC, 'main.bundle.js');
const CACHE = join(COMPILED_SRC, 'main.bundle.cache');

interface Answer {
  status: number;
  type: string;
  body: unknown;
}

async function call(
  server: RunningServer,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Answer> {
  const response = await fetch(`${server.url.replace(/\/api\/v1$/, '')}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return { status: response.status, type, body: type.includes('json') ? JSON.parse(text) : text };
}

/** What both builds must answer alike; ids and dates differ by nature and are left out. */
async function answers(server: RunningServer): Promise<Record<string, unknown>> {
  const token = tokenFor('ws-bundle');
  const created = await call(server, '/api/v1/credentials', {
    method: 'POST',
    token,
    body: createCredentialBody({ name: 'Bundled' }),
  });
  const id = (created.body as { id: string }).id;
  const read = await call(server, `/api/v1/credentials/${id}`, { token });
  // Ids, dates and ciphertexts differ by nature: their presence and type is what must agree.
  const withoutVolatile = ({ body, ...rest }: Answer) => {
    const {
      id: _id,
      createdDate,
      updatedDate,
      encryptedData,
      ...kept
    } = body as Record<string, unknown>;
    const types = [_id, createdDate, updatedDate, encryptedData].map((value) => typeof value);
    return { ...rest, body: kept, types };
  };
  // A health check's timing differs by nature too.
  const health = async (path: string) =>
    JSON.parse(
      JSON.stringify(await call(server, path), (key, value: unknown) =>
        key === 'responseTime' ? typeof value : value,
      ),
    ) as Answer;
  const docs = await call(server, '/api/docs');
  return {
    health: await health('/api/v1/health'),
    ready: await health('/api/v1/health/ready'),
    badLogin: await call(server, '/api/v1/auth/login', { method: 'POST', body: { email: 5 } }),
    badToken: await call(server, '/api/v1/credentials', { token: 'not-a-token' }),
    badCreate: await call(server, '/api/v1/credentials', {
      method: 'POST',
      token,
      body: { name: 5 },
    }),
    created: { status: created.status, type: created.type },
    read: withoutVolatile(read),
    document: await call(server, '/api/docs-json'),
    docsPage: { status: docs.status, type: docs.type },
    swaggerCss: (await call(server, '/api/docs/swagger-ui.css')).status,
  };
}

describe('The bundled server that npm start runs', () => {
  const dataDirs: string[] = [];
  after(() => dataDirs.forEach(removeDir));

  before(() => {
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'bundle-server.js'), COMPILED_SRC],
      { encoding: 'utf8' },
    );
    if (built.status !== 0) {
      throw new Error(`Bundling failed:\n${built.stdout}\n${built.stderr}`);
    }
    rmSync(CACHE, { force: true });
  });

  async function run<T>(entry: string, work: (server: RunningServer) => Promise<T>): Promise<T> {
    const dataDir = newDataDir();
    dataDirs.push(dataDir);
    // As `npm start` runs it: start.js collects start-up's garbage once the server listens.
    const flags: Record<string, string> =
      entry === 'start.js' ? { NODE_OPTIONS: '--expose-gc' } : {};
    const server = await startServer(
      { DATA_DIR: dataDir, ENCRYPTION_KEY: randomKey(), ...flags },
      entry,
    );
    try {
      return await work(server);
    } finally {
      await server.stop();
    }
  }

  it('answers as the unbundled build does, and writes its code cache once', async () => {
    expect(existsSync(BUNDLE)).toBe(true);
    const unbundled = await run('main.js', answers);
    const bundled = await run('start.js', answers);
    expect(bundled).toEqual(unbundled);
    expect(bundled.health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(bundled.badLogin).toMatchObject({ status: 400 });
    expect(bundled.read).toMatchObject({ status: 200, body: { name: 'Bundled' } });
    expect(bundled.docsPage).toMatchObject({ status: 200 });
    expect(bundled.swaggerCss).toBe(200);

    // The first bundled start wrote the cache on exit; the next one uses it and leaves it.
    expect(existsSync(CACHE)).toBe(true);
    const cache = readFileSync(CACHE);
    const again = await run('start.js', (server) => call(server, '/api/v1/health'));
    expect(again).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(readFileSync(CACHE).equals(cache)).toBe(true);
  });
});
