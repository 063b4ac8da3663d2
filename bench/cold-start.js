'use strict';
// node bench/cold-start.js [--runs 5] [--entry dist/start.js]
// The benchmark's cold-start cell alone: migrate an empty SQLite file (one start), seed the list
// workspace, then start `node <npm start flags> <entry>` `--runs` times and time each from spawn to
// the first authenticated 200 (a get by id), as `npm run bench` does; also the CPU time the server
// used by then, steadier than the wall time when other work shares the cores. Run after a build.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const {
  cpuMsOf,
  freePort,
  startServer,
  stopServer,
  mintToken,
  npmStartNodeFlags,
  serverEntry,
  median,
} = require('./lib');
const { seed } = require('./seed');

const ROOT = path.join(__dirname, '..');

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      entry: { type: 'string', default: serverEntry() },
    },
  });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-cold-'));
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const encryptionKey = crypto.randomBytes(32);
  const launch = (port) => ({
    name: 'ours',
    args: [...npmStartNodeFlags(), path.resolve(ROOT, values.entry)],
    env: {
      JWT_SECRET: jwtSecret,
      ENCRYPTION_KEY: encryptionKey.toString('base64'),
      NODE_ENV: 'production',
      RATE_LIMIT: '0',
      DATA_DIR: workDir,
    },
    port,
    logFile: path.join(workDir, 'ours.log'),
  });
  try {
    await stopServer(await startServer(launch(await freePort())));
    const ids = await seed(path.join(workDir, 'credentials.sqlite'), encryptionKey, {
      'ws-list': 100,
    });
    const probe = {
      path: `/api/v1/credentials/${ids['ws-list'][0]}`,
      headers: { authorization: `Bearer ${mintToken(jwtSecret, 'ws-list')}` },
    };
    const times = [];
    const cpu = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const server = await startServer({ ...launch(await freePort()), probe });
      times.push(server.coldStartMs);
      cpu.push(cpuMsOf(server.pid));
      await stopServer(server);
    }
    const show = (list) =>
      `${list.map(Math.round).join(', ')} ms; median ${Math.round(median(list))} ms`;
    console.log(`${path.relative(ROOT, path.resolve(ROOT, values.entry))}`);
    console.log(`cold start ${show(times)}`);
    console.log(`server CPU ${show(cpu)}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
