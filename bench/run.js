'use strict';
// npm run bench [-- --duration 6 --connections 10,50 --scenarios get,list --big-rows 100000]
// npm run bench -- --store postgres: on PostgreSQL, see bench/postgres.js.
// Runs after `nest build` (the npm script does it). Reports; asserts nothing.
const autocannon = require('autocannon');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const {
  freePort,
  rssOf,
  cpuMsOf,
  startServer,
  stopServer,
  sleep,
  mintToken,
  npmStartNodeFlags,
  RssSampler,
  median,
  serverEntry,
} = require('./lib');
const { SCENARIOS, API_KEY_WORKSPACES, seedPlan, tokensFor } = require('./scenarios');
const { seed, seedApiKeys } = require('./seed');
const { renderMarkdown, renderTable } = require('./report');
const { runPostgres } = require('./postgres');

const ROOT = path.join(__dirname, '..');
const QUICK = {
  duration: '2',
  slices: '1',
  warmup: '0.5',
  connections: '10,50',
  'cold-starts': '1',
  'big-rows': '100000',
};
const FULL = {
  duration: '4',
  slices: '2',
  warmup: '1',
  connections: '10,50',
  'cold-starts': '3',
  'big-rows': '100000',
};

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      slices: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
      'big-rows': { type: 'string' },
      'cold-starts': { type: 'string' },
      'no-reference': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      label: { type: 'string', default: '' },
      // The bare server runs NORMAL; FULL measures what our durability costs it.
      'reference-synchronous': { type: 'string', default: 'NORMAL' },
      // --store postgres: see bench/postgres.js.
      store: { type: 'string', default: 'sqlite' },
      'database-url': { type: 'string' },
      'database-prefix': { type: 'string', default: 'vault_bench_' },
      // --store postgres: an older build (a directory holding its dist/) run side by side too.
      before: { type: 'string' },
    },
  });
  const defaults = values.quick ? QUICK : FULL;
  const pickValue = (name) => Number(values[name] ?? defaults[name]);
  const scenarios = values.scenarios.split(',').filter(Boolean);
  for (const name of scenarios) {
    if (!SCENARIOS[name]) {
      throw new Error(`Unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    }
  }
  return {
    quick: values.quick,
    duration: pickValue('duration'),
    slices: Math.max(1, pickValue('slices')),
    warmup: pickValue('warmup'),
    connections: (values.connections ?? defaults.connections).split(',').map(Number),
    scenarios,
    bigRows: pickValue('big-rows'),
    coldStarts: Math.max(1, pickValue('cold-starts')),
    reference: !values['no-reference'],
    profile: values.profile,
    label: values.label,
    referenceSynchronous: values['reference-synchronous'].toUpperCase(),
    store: values.store,
    scenariosGiven: values.scenarios !== Object.keys(SCENARIOS).join(','),
    connectionsGiven: values.connections !== undefined,
    postgres: {
      adminUrl:
        values['database-url'] ??
        process.env.BENCH_DATABASE_URL ??
        'postgres://postgres@127.0.0.1:5432/postgres',
      prefix: values['database-prefix'],
      before: values.before,
    },
  };
}

function load(url, connections, duration, scenarioOptions) {
  return autocannon({ url, connections, duration, timeout: 10, ...scenarioOptions });
}

function combine(slices) {
  const total = slices.reduce((sum, s) => sum + s.total, 0);
  return {
    requestsPerSecond: total / slices.reduce((sum, s) => sum + s.seconds, 0),
    p50Ms: median(slices.map((s) => s.p50Ms)),
    p99Ms: median(slices.map((s) => s.p99Ms)),
    non2xx: slices.reduce((sum, s) => sum + s.non2xx, 0),
    total,
    cpuMsPerRequest: slices.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, total),
    rssBytes: Math.max(...slices.map((s) => s.rssBytes)),
    slices,
  };
}

function summarize(result) {
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx,
    total: result.requests.total,
  };
}

async function main() {
  const opts = options();
  if (opts.store === 'postgres') {
    return runPostgres(opts, opts.postgres);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-bench-'));
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const encryptionKey = crypto.randomBytes(32);
  const dataDirs = { ours: path.join(workDir, 'ours'), reference: path.join(workDir, 'reference') };
  Object.values(dataDirs).forEach((dir) => fs.mkdirSync(dir));
  const sqlite = {
    ours: path.join(dataDirs.ours, 'credentials.sqlite'),
    reference: path.join(dataDirs.reference, 'credentials.sqlite'),
  };
  const env = {
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEY: encryptionKey.toString('base64'),
    NODE_ENV: 'production',
    // The load generator is one principal on purpose; the rate limit would turn it into 429s.
    RATE_LIMIT: '0',
  };
  const profileDir = path.join(resultsDir, 'profiles');
  const profileLabel = `${opts.label || 'ours'}-${opts.scenarios.join('+')}-${Date.now()}`;
  const launch = {
    ours: (port) => ({
      name: 'ours',
      args: [
        ...npmStartNodeFlags(),
        ...(opts.profile ? ['-r', path.join(__dirname, 'profile-hook.js')] : []),
        serverEntry(),
      ],
      env: {
        ...env,
        DATA_DIR: dataDirs.ours,
        BENCH_PROFILE_DIR: profileDir,
        BENCH_PROFILE_LABEL: profileLabel,
      },
      port,
      logFile: path.join(workDir, 'ours.log'),
      ipc: opts.profile,
    }),
    reference: (port) => ({
      name: 'reference',
      args: [
        ...(opts.profile ? ['-r', path.join(__dirname, 'profile-hook.js')] : []),
        path.join(__dirname, 'reference', 'server.js'),
      ],
      env: {
        ...env,
        SQLITE_PATH: sqlite.reference,
        SQLITE_SYNCHRONOUS: opts.referenceSynchronous,
        BENCH_PROFILE_DIR: profileDir,
        BENCH_PROFILE_LABEL: `reference-${profileLabel}`,
      },
      port,
      logFile: path.join(workDir, 'reference.log'),
      ipc: opts.profile,
    }),
  };
  const servers = opts.reference ? ['ours', 'reference'] : ['ours'];
  log(`work dir ${workDir}`);

  // 1. The schema comes from our migrations: start once on the empty file, then stop.
  const first = await startServer(launch.ours(await freePort()));
  const firstStartMs = first.coldStartMs;
  await stopServer(first);

  // 2. Seed directly, then give the reference a byte-identical copy.
  const seedStarted = Date.now();
  const plan = seedPlan(opts.bigRows);
  const ids = await seed(sqlite.ours, encryptionKey, plan);
  fs.copyFileSync(sqlite.ours, sqlite.reference);
  const apiKeys = await seedApiKeys(sqlite.ours, jwtSecret, API_KEY_WORKSPACES, [
    'credentials:view',
  ]);
  const seeded = Object.values(plan).reduce((a, b) => a + b, 0);
  log(`seeded ${seeded} credentials in ${Date.now() - seedStarted} ms`);
  const data = { ids, tokens: tokensFor(jwtSecret, mintToken), apiKeys };
  // Cold start ends at the first authenticated 200 on the seeded file: a get by id.
  const probe = {
    path: `/api/v1/credentials/${ids['ws-list'][0]}`,
    headers: { authorization: `Bearer ${data.tokens['ws-list']}` },
  };

  // 3. Cold starts on the seeded file; the last start of each stays up for the load.
  const running = {};
  const coldStarts = { ours: [], reference: [] };
  for (let i = 0; i < opts.coldStarts; i++) {
    for (const name of servers) {
      const server = await startServer({ ...launch[name](await freePort()), probe });
      coldStarts[name].push(server.coldStartMs);
      if (i < opts.coldStarts - 1) {
        await stopServer(server);
      } else {
        running[name] = server;
      }
    }
  }
  await sleep(1500);
  const idleRss = Object.fromEntries(servers.map((name) => [name, rssOf(running[name].pid)]));
  log(
    `cold start ours ${fmtList(coldStarts.ours)} ms, reference ${fmtList(coldStarts.reference)} ms`,
  );

  if (opts.profile) {
    servers.forEach((name) => running[name].child.send('profile'));
  }

  // 4. Load: each scenario at each concurrency. The measurement is cut into slices that
  // alternate between the contenders (ours and the reference, or ours with an API key and ours
  // with a JWT), so that load from others on a shared machine falls on both alike; req/s is over
  // all slices, latencies the median of the slices'.
  const runs = [];
  const peak = Object.fromEntries(servers.map((name) => [name, 0]));
  const slice = opts.duration / opts.slices;
  const warmed = new Set();
  for (const scenario of opts.scenarios) {
    const { baseline } = SCENARIOS[scenario];
    const contenders = baseline
      ? [
          { as: 'ours', server: 'ours', scenario },
          { as: 'baseline', server: 'ours', scenario: baseline },
        ]
      : servers.map((name) => ({ as: name, server: name, scenario }));
    for (const connections of opts.connections) {
      const row = { scenario, title: SCENARIOS[scenario].title, connections };
      const slices = Object.fromEntries(contenders.map(({ as }) => [as, []]));
      for (let i = 0; i < opts.slices; i++) {
        for (const contender of contenders) {
          const server = running[contender.server];
          const url = `http://127.0.0.1:${server.port}`;
          const requests = SCENARIOS[contender.scenario].options(data);
          // Each server warms up once per kind of request, at the first concurrency.
          const warmUp = `${contender.server}:${contender.scenario}`;
          if (!warmed.has(warmUp) && opts.warmup > 0) {
            await load(url, connections, opts.warmup, requests);
            warmed.add(warmUp);
          }
          const sampler = new RssSampler([server.pid]);
          const cpuBefore = cpuMsOf(server.pid);
          const result = await load(url, connections, slice, requests);
          const cpuMs = cpuMsOf(server.pid) - cpuBefore;
          const maxRss = sampler.stop().get(server.pid);
          if (server.child.exitCode !== null || server.child.signalCode !== null) {
            throw new Error(
              `${contender.server} died during ${scenario}; see ${launch[contender.server](0).logFile}`,
            );
          }
          peak[contender.server] = Math.max(peak[contender.server], maxRss);
          slices[contender.as].push({
            ...summarize(result),
            rssBytes: maxRss,
            cpuMs,
            seconds: slice,
          });
        }
      }
      for (const { as } of contenders) {
        row[as] = combine(slices[as]);
      }
      runs.push(row);
      log(renderTable([row]).split('\n').slice(-1)[0]);
    }
  }

  for (const name of servers) {
    await stopServer(running[name], opts.profile ? 'profile' : 'SIGTERM');
  }
  if (opts.profile) {
    log(
      `profiles: ${profileDir}/{,reference-}${profileLabel}.cpuprofile (node bench/profile-summary.js <file>)`,
    );
  }

  const report = {
    label: opts.label,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemBytes: os.totalmem(),
      loadavg: os.loadavg(),
    },
    node: process.version,
    settings: {
      ...opts,
      seeded,
      plan: { 'ws-list': 100, 'ws-update': 100, 'ws-big': opts.bigRows, mix: '100 x 10' },
    },
    firstStartMs,
    coldStartMs: Object.fromEntries(servers.map((name) => [name, median(coldStarts[name])])),
    coldStartsMs: coldStarts,
    idleRssBytes: idleRss,
    peakRssBytes: peak,
    runs,
  };
  const stamp = report.date.replace(/[:.]/g, '-');
  const jsonFile = path.join(resultsDir, `bench-${stamp}${opts.quick ? '-quick' : ''}.json`);
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown([report]);
  fs.writeFileSync(jsonFile.replace(/\.json$/, '.md'), markdown);
  process.stdout.write(`\n${renderTable(runs)}\n\n${markdown}\nwritten: ${jsonFile} (+ .md)\n`);
  fs.rmSync(workDir, { recursive: true, force: true });
}

function fmtList(values) {
  return values.map((v) => v.toFixed(0)).join(', ');
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
