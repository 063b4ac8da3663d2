'use strict';
// node bench/smoke.js (after `nest build`): the same HTTP checks against our server and the
// reference, so the benchmark compares like with like and the hot-path changes keep behaviour.
// Exits non-zero on the first difference. Not a substitute for the e2e suite.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, startServer, stopServer, mintToken, serverEntry } = require('./lib');

async function call(port, method, url, token, body) {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const KEYS = [
  'createdDate',
  'credentialName',
  'encryptedData',
  'id',
  'name',
  'updatedDate',
  'workspaceId',
];

async function check(name, port, secret) {
  const a = mintToken(secret, 'ws-a');
  const b = mintToken(secret, 'ws-b');
  const created = [];
  for (let i = 0; i < 5; i++) {
    const type = i % 2 ? 'anthropicApi' : 'openAIApi';
    const res = await call(port, 'POST', '/api/v1/credentials', a, {
      name: `k${i}`,
      credentialName: type,
      plainDataObj: { [`${type}Key`]: `s${i}` },
    });
    assert.equal(res.status, 201, `${name}: create`);
    assert.deepEqual(Object.keys(res.body).sort(), KEYS);
    assert.match(res.body.createdDate, ISO);
    assert.equal(res.body.createdDate, res.body.updatedDate);
    assert.ok(!JSON.stringify(res.body).includes(`s${i}"`), `${name}: no plaintext`);
    created.push(res.body);
    await new Promise((r) => setTimeout(r, 3));
  }
  const list = await call(port, 'GET', '/api/v1/credentials', a);
  assert.equal(list.status, 200);
  assert.equal(list.headers.get('x-total-count'), null, `${name}: no total without page`);
  assert.deepEqual(
    list.body,
    [...created].reverse(),
    `${name}: list newest first, same as created`,
  );
  const page = await call(port, 'GET', '/api/v1/credentials?limit=2&page=2', a);
  assert.equal(page.headers.get('x-total-count'), '5');
  assert.deepEqual(
    page.body.map((c) => c.id),
    [created[2].id, created[1].id],
    `${name}: page 2`,
  );
  const filtered = await call(
    port,
    'GET',
    '/api/v1/credentials?credentialName=anthropicApi&limit=10',
    a,
  );
  assert.equal(filtered.headers.get('x-total-count'), '2', `${name}: filtered total`);
  assert.deepEqual(
    filtered.body.map((c) => c.id),
    [created[3].id, created[1].id],
    `${name}: filter`,
  );
  const one = await call(port, 'GET', `/api/v1/credentials/${created[0].id.toUpperCase()}`, a);
  assert.deepEqual(one.body, created[0], `${name}: get (id case-insensitive)`);
  assert.equal(
    (await call(port, 'GET', `/api/v1/credentials/${created[0].id}`, b)).status,
    404,
    `${name}: other workspace`,
  );
  assert.equal(
    (await call(port, 'GET', `/api/v1/credentials/${crypto.randomUUID()}`, a)).status,
    404,
  );
  assert.equal((await call(port, 'GET', '/api/v1/credentials/not-a-uuid', a)).status, 404);
  assert.equal((await call(port, 'GET', '/api/v1/credentials', undefined)).status, 401);
  assert.equal((await call(port, 'GET', '/api/v1/credentials', `${a}x`)).status, 401);
  const updated = await call(port, 'PUT', `/api/v1/credentials/${created[0].id}`, a, {
    name: 'renamed',
    plainDataObj: { openAIApiKey: 'new' },
  });
  assert.equal(updated.status, 200, `${name}: update`);
  assert.equal(updated.body.name, 'renamed');
  assert.equal(updated.body.createdDate, created[0].createdDate);
  assert.ok(updated.body.updatedDate > created[0].updatedDate, `${name}: updatedDate moves`);
  assert.notEqual(updated.body.encryptedData, created[0].encryptedData);
  assert.deepEqual(
    (await call(port, 'GET', `/api/v1/credentials/${created[0].id}`, a)).body,
    updated.body,
  );
  assert.equal(
    (await call(port, 'PUT', `/api/v1/credentials/${created[0].id}`, b, { name: 'x' })).status,
    404,
  );
  const removed = await call(port, 'DELETE', `/api/v1/credentials/${created[0].id}`, a);
  assert.deepEqual(
    [removed.status, removed.body],
    [200, { message: 'Credential deleted successfully' }],
  );
  assert.equal((await call(port, 'DELETE', `/api/v1/credentials/${created[0].id}`, a)).status, 404);
  assert.equal((await call(port, 'GET', '/api/v1/credentials', b)).body.length, 0);
  process.stdout.write(`smoke: ${name} ok\n`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-smoke-'));
  const secret = crypto.randomBytes(32).toString('hex');
  const env = { JWT_SECRET: secret, ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64') };
  const servers = [
    {
      name: 'ours',
      args: [serverEntry()],
      env: { ...env, DATA_DIR: dir },
    },
    {
      name: 'reference',
      args: [path.join(__dirname, 'reference', 'server.js')],
      env: { ...env, SQLITE_PATH: path.join(dir, 'ref.sqlite') },
    },
  ];
  try {
    for (const spec of servers) {
      const server = await startServer({
        ...spec,
        port: await freePort(),
        logFile: path.join(dir, `${spec.name}.log`),
      });
      try {
        await check(spec.name, server.port, secret);
      } finally {
        await stopServer(server);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
