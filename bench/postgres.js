'use strict';
// npm run bench -- --store postgres [--database-url postgres://…/postgres] [--database-prefix p_]
//   [--before <dir holding an older build's dist/>] [--profile]
// Our server on PostgreSQL against the reference (node:http + pg + AES-256-GCM + HS256) on the
// same server, side by side in one run; then 1 against 2 replicas of ours on one database.
// Each run creates its own databases (<prefix><random>, <prefix><random>_ref) and drops them.
const autocannon = require('autocannon');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const {
  freePort,
  cpuMsOf,
  startServer,
  stopServer,
  mintToken,
  npmStartNodeFlags,
  median,
  serverEntry,
} = require('./lib');
const { SCENARIOS } = require('./scenarios');
const { renderTable } = require('./report');

const ROOT = path.join(__dirname, '..');
const SEED = { 'ws-list': 100, 'ws-update': 100 };
const DEFAULT_SCENARIOS = ['get', 'list', 'update', 'create'];

async function admin(adminUrl, sql) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** POSTs one credential over HTTP; resolves with its id. */
function create(port, token, workspaceId, i) {
  const body = JSON.stringify({
    name: `Bench key ${i}`,
    credentialName: 'openAIApi',
    plainDataObj: { openAIApiKey: `sk-${crypto.randomBytes(24).toString('hex')}` },
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/credentials',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 201
            ? resolve(JSON.parse(text).id)
            : reject(new Error(`seed ${workspaceId}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Seeds through the API, so both servers store their rows their own way. */
async function seedOver(port, tokens) {
  const ids = {};
  for (const [workspaceId, count] of Object.entries(SEED)) {
    ids[workspaceId] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
        create(port, tokens[workspaceId], workspaceId, i + j),
      );
      ids[workspaceId].push(...(await Promise.all(batch)));
    }
  }
  return ids;
}

/** One measurement: autocannon on each port at once, connections split between them. */
async function measure(servers, connections, seconds, requests) {
  const share = Math.max(1, Math.floor(connections / servers.length));
  const cpuBefore = servers.map((server) => cpuMsOf(server.pid));
  const results = await Promise.all(
    servers.map((server) =>
      autocannon({
        url: `http://127.0.0.1:${server.port}`,
        connections: share,
        duration: seconds,
        timeout: 10,
        ...requests,
      }),
    ),
  );
  return {
    requestsPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50Ms: median(results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    total: results.reduce((sum, r) => sum + r.requests.total, 0),
    cpuMs: servers.reduce((sum, server, i) => sum + cpuMsOf(server.pid) - cpuBefore[i], 0),
  };
}

/**
 * Alternating slices, so noise from a shared machine falls on every contender alike.
 * `contenders`: { name: { servers, data } }, each side with its own seeded ids.
 */
async function compare(contenders, scenario, opts) {
  const connections = opts.connections[0];
  const entries = Object.entries(contenders).map(([name, side]) => [
    name,
    side.servers,
    SCENARIOS[scenario].options(side.data),
  ]);
  const slices = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (const [, servers, requests] of entries) {
    await measure(servers, connections, opts.warmup, requests);
  }
  for (let i = 0; i < opts.slices; i++) {
    for (const [name, servers, requests] of entries) {
      slices[name].push(await measure(servers, connections, opts.duration / opts.slices, requests));
    }
  }
  const row = { scenario, title: SCENARIOS[scenario].title, connections };
  for (const [name, list] of Object.entries(slices)) {
    const total = list.reduce((sum, s) => sum + s.total, 0);
    row[name] = {
      requestsPerSecond: median(list.map((s) => s.requestsPerSecond)),
      p50Ms: median(list.map((s) => s.p50Ms)),
      p99Ms: median(list.map((s) => s.p99Ms)),
      non2xx: list.reduce((sum, s) => sum + s.non2xx, 0),
      total,
      // The server processes' CPU (user + system) per request, the database's not included.
      cpuMsPerRequest: list.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, total),
    };
  }
  return row;
}

async function runPostgres(opts, { adminUrl, prefix, before }) {
  const scenarios = opts.scenariosGiven ? opts.scenarios : DEFAULT_SCENARIOS;
  const connections = opts.connectionsGiven ? opts.connections : [10];
  opts = { ...opts, connections };
  const name = `${prefix}${crypto.randomBytes(4).toString('hex')}`;
  const names = { ours: name, reference: `${name}_ref` };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-bench-pg-'));
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const env = {
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    NODE_ENV: 'production',
    RATE_LIMIT: '0',
    DATA_DIR: workDir,
  };
  const running = [];
  const profileDir = path.join(__dirname, 'results', 'profiles');
  const profileLabel = `postgres-${opts.label || 'ours'}-${scenarios.join('+')}-${Date.now()}`;
  const profileHook = opts.profile ? ['-r', path.join(__dirname, 'profile-hook.js')] : [];
  for (const db of Object.values(names)) {
    await admin(adminUrl, `CREATE DATABASE "${db}"`);
  }
  log(`databases ${names.ours}, ${names.reference}; work dir ${workDir}`);
  try {
    const launchOurs = async (i, root = ROOT) =>
      startServer({
        name: `ours-${i}`,
        args: [...npmStartNodeFlags(), ...profileHook, serverEntry(root)],
        env: {
          ...env,
          DATABASE_URL: databaseUrl(adminUrl, names.ours),
          BENCH_PROFILE_DIR: profileDir,
          BENCH_PROFILE_LABEL: `${profileLabel}-${i}`,
        },
        port: await freePort(),
        logFile: path.join(workDir, `ours-${i}.log`),
        ipc: opts.profile,
      });
    const ours = await launchOurs(1);
    running.push(ours);
    const reference = await startServer({
      name: 'reference',
      args: [...profileHook, path.join(__dirname, 'reference', 'server.js')],
      env: {
        ...env,
        DATABASE_URL: databaseUrl(adminUrl, names.reference),
        BENCH_PROFILE_DIR: profileDir,
        BENCH_PROFILE_LABEL: `reference-${profileLabel}`,
      },
      port: await freePort(),
      logFile: path.join(workDir, 'reference.log'),
      ipc: opts.profile,
    });
    running.push(reference);
    const tokens = Object.fromEntries(
      ['ws-list', 'ws-update', 'ws-create'].map((ws) => [ws, mintToken(jwtSecret, ws)]),
    );
    // Both sides get the same seed; the scenarios pick from each side's own ids.
    const idsOurs = await seedOver(ours.port, tokens);
    const idsReference = await seedOver(reference.port, tokens);
    log(`seeded ${Object.values(SEED).reduce((a, b) => a + b, 0)} credentials on each side`);
    // --profile: the profiles hold the side-by-side load alone (not the start, not the seeding).
    if (opts.profile) {
      [ours, reference].forEach((server) => server.child.send('profile'));
    }

    // --before: the older build serves the same database as ours (its schema must be the same).
    const older = before ? await launchOurs('before', path.resolve(before)) : undefined;
    if (older) {
      running.push(older);
    }
    const runs = [];
    for (const scenario of scenarios) {
      const row = await compare(
        {
          ours: { servers: [ours], data: { ids: idsOurs, tokens } },
          ...(older ? { before: { servers: [older], data: { ids: idsOurs, tokens } } } : {}),
          reference: { servers: [reference], data: { ids: idsReference, tokens } },
        },
        scenario,
        opts,
      );
      runs.push(row);
      log(renderTable([row]).split('\n').slice(-1)[0]);
      if (older) {
        log(
          `${scenario}: before ${fmt(row.before)} req/s (${ratio(row.before, row.reference)} of the reference, ` +
            `${row.before.cpuMsPerRequest.toFixed(2)} CPU ms/req); ours ${ratio(row.ours, row.reference)}`,
        );
      }
    }
    if (older) {
      await stopServer(older);
      running.splice(running.indexOf(older), 1);
    }

    if (opts.profile) {
      for (const server of running.splice(0)) {
        await stopServer(server, 'profile');
      }
      log(`profiles: ${profileDir}/{,reference-}${profileLabel}*.cpuprofile`);
      report(opts, runs, []);
      return;
    }
    const second = await launchOurs(2);
    running.push(second);
    const replicas = [];
    for (const scenario of scenarios) {
      const data = { ids: idsOurs, tokens };
      const row = await compare(
        { one: { servers: [ours], data }, two: { servers: [ours, second], data } },
        scenario,
        opts,
      );
      replicas.push(row);
      log(`${scenario}: 1 replica ${fmt(row.one)} req/s, 2 replicas ${fmt(row.two)} req/s`);
    }
    report(opts, runs, replicas);
  } finally {
    for (const server of running) {
      await stopServer(server);
    }
    for (const db of Object.values(names)) {
      await admin(adminUrl, `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function report(opts, runs, replicas) {
  const lines = [
    renderTable(runs),
    '',
    `1 vs 2 replicas of ours on one database, ${opts.connections[0]} connections in all:`,
    '| scenario | 1 replica req/s | 2 replicas req/s | x |',
    '| --- | --- | --- | --- |',
    ...replicas.map(
      (row) =>
        `| ${row.scenario} | ${fmt(row.one)} | ${fmt(row.two)} | ${(row.two.requestsPerSecond / row.one.requestsPerSecond).toFixed(2)} |`,
    ),
  ];
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(
    resultsDir,
    `bench-postgres-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), loadavg: os.loadavg(), settings: opts, runs, replicas }, null, 2)}\n`,
  );
  process.stdout.write(`\n${lines.join('\n')}\n\nwritten: ${file}\n`);
}

const fmt = (side) => side.requestsPerSecond.toFixed(0);
const ratio = (side, reference) =>
  (side.requestsPerSecond / reference.requestsPerSecond).toFixed(2);

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

module.exports = { runPostgres };
