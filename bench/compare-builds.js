'use strict';
// node bench/compare-builds.js --before <dir with an older build's dist/> [--scenarios create,update,get]
// Runs two builds of the service side by side (this one and an older one), on copies of one seeded
// file, in alternating slices, and prints req/s, server CPU per request, cold start and RSS for
// each: a before/after that a busy machine skews alike for both. Reports; asserts nothing.
const autocannon = require('autocannon');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { freePort, rssOf, cpuMsOf, startServer, stopServer, sleep, mintToken } = require('./lib');
const { npmStartNodeFlags, serverEntry, median } = require('./lib');
const { SCENARIOS, seedPlan, tokensFor } = require('./scenarios');
const { seed } = require('./seed');

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    scenarios: { type: 'string', default: 'create,update,get' },
    connections: { type: 'string', default: '10,50' },
    slices: { type: 'string', default: '4' },
    slice: { type: 'string', default: '2' },
    'cold-starts': { type: 'string', default: '3' },
  },
});
if (!values.before) {
  throw new Error('--before <dir> is required (a checkout of the older release, built)');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-compare-'));
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const encryptionKey = crypto.randomBytes(32);
  const builds = { before: path.resolve(values.before), after: path.join(__dirname, '..') };
  const env = {
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEY: encryptionKey.toString('base64'),
    NODE_ENV: 'production',
    RATE_LIMIT: '0',
  };
  const launch = (name, port) => ({
    name,
    args: [...npmStartNodeFlags(), serverEntry(builds[name])],
    env: { ...env, DATA_DIR: path.join(work, name) },
    port,
    logFile: path.join(work, `${name}.log`),
  });
  for (const name of Object.keys(builds)) {
    fs.mkdirSync(path.join(work, name));
  }
  // The older build migrates the empty file; the newer one gets a byte-identical copy.
  const first = await startServer(launch('before', await freePort()));
  await stopServer(first);
  const file = (name) => path.join(work, name, 'credentials.sqlite');
  const ids = await seed(file('before'), encryptionKey, seedPlan(1000));
  fs.copyFileSync(file('before'), file('after'));
  const data = { ids, tokens: tokensFor(jwtSecret, mintToken), apiKeys: {} };
  const probe = {
    path: `/api/v1/credentials/${ids['ws-list'][0]}`,
    headers: { authorization: `Bearer ${data.tokens['ws-list']}` },
  };

  const running = {};
  const coldStarts = { before: [], after: [] };
  const coldStartCount = Number(values['cold-starts']);
  for (let i = 0; i < coldStartCount; i++) {
    for (const name of Object.keys(builds)) {
      const server = await startServer({ ...launch(name, await freePort()), probe });
      coldStarts[name].push(server.coldStartMs);
      if (i < coldStartCount - 1) await stopServer(server);
      else running[name] = server;
    }
  }
  await sleep(1500);
  const idle = Object.fromEntries(Object.keys(builds).map((n) => [n, rssOf(running[n].pid)]));
  const rows = [];
  for (const scenario of values.scenarios.split(',')) {
    for (const connections of values.connections.split(',').map(Number)) {
      const totals = { before: { requests: 0, cpuMs: 0 }, after: { requests: 0, cpuMs: 0 } };
      for (let i = 0; i < Number(values.slices); i++) {
        for (const name of i % 2 ? ['after', 'before'] : ['before', 'after']) {
          const server = running[name];
          const cpuBefore = cpuMsOf(server.pid);
          const result = await autocannon({
            url: `http://127.0.0.1:${server.port}`,
            connections,
            duration: Number(values.slice),
            ...SCENARIOS[scenario].options(data),
          });
          totals[name].cpuMs += cpuMsOf(server.pid) - cpuBefore;
          totals[name].requests += result.requests.total;
          totals[name].non2xx = (totals[name].non2xx ?? 0) + result.non2xx + result.errors;
        }
      }
      const seconds = Number(values.slices) * Number(values.slice);
      const row = { scenario, connections };
      for (const name of Object.keys(builds)) {
        row[`${name} req/s`] = (totals[name].requests / seconds).toFixed(0);
        row[`${name} CPU ms/req`] = (totals[name].cpuMs / totals[name].requests).toFixed(3);
        row[`${name} non2xx`] = totals[name].non2xx;
      }
      row['CPU after/before'] = (
        totals.after.cpuMs /
        totals.after.requests /
        (totals.before.cpuMs / totals.before.requests)
      ).toFixed(2);
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  const peak = Object.fromEntries(Object.keys(builds).map((n) => [n, rssOf(running[n].pid)]));
  for (const name of Object.keys(builds)) await stopServer(running[name]);
  console.table(rows);
  console.log('cold start ms (median):', {
    before: median(coldStarts.before).toFixed(0),
    after: median(coldStarts.after).toFixed(0),
  });
  const mb = (b) => (b / 1024 / 1024).toFixed(0);
  console.log('RSS MB idle / at the end:', {
    before: `${mb(idle.before)} / ${mb(peak.before)}`,
    after: `${mb(idle.after)} / ${mb(peak.after)}`,
  });
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
