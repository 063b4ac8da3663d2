'use strict';
// The costliest bodies we can build under the 1 MiB limit, sent to the running server: the
// server's CPU time for each (from /proc, so the client's work is not counted), then /health
// latency while 4 of the worst arrive per second. Run with `npm run bench:hostile`.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const {
  freePort,
  mintToken,
  npmStartNodeFlags,
  serverEntry,
  sleep,
  startServer,
  stopServer,
} = require('./lib');

const LIMIT = 1024 * 1024 - 1024;
const SECONDS = Number(process.env.HOSTILE_SECONDS ?? 10);
const REPEATS = 20;

const keys = (n, value = '1') =>
  `{${Array.from({ length: n }, (_, i) => `"k${i}":${value}`).join(',')}}`;
const fill = (make) => {
  let n = 1;
  while (make(n * 2).length < LIMIT) n *= 2;
  let step = n / 2;
  while (step >= 1) {
    if (make(n + step).length < LIMIT) n += step;
    step = Math.floor(step / 2);
  }
  return make(n);
};
const credential = (plainDataObj, name = 'bench') =>
  `{"name":${JSON.stringify(name)},"credentialName":"openAIApi","plainDataObj":${plainDataObj}}`;

/** [label, path, authenticated, body] */
const BODIES = [
  ['baseline: {} on login', '/api/v1/auth/login', false, '{}'],
  [
    '1 MiB of whitespace on login',
    '/api/v1/auth/login',
    false,
    `{"email":${' '.repeat(LIMIT - 40)}"a"}`,
  ],
  [
    '1 MiB of escaped quotes in a string',
    '/api/v1/auth/login',
    false,
    JSON.stringify({ password: '"'.repeat(LIMIT / 2 - 40) }),
  ],
  ['80 000 keys on login', '/api/v1/auth/login', false, keys(80_000)],
  ['keys up to the limit on login', '/api/v1/auth/login', false, fill((n) => keys(n))],
  [
    '1 000 keys of 1 KiB strings on login',
    '/api/v1/auth/login',
    false,
    keys(999, JSON.stringify('x'.repeat(1000))),
  ],
  [
    'deep nesting [[[... on login',
    '/api/v1/auth/login',
    false,
    '['.repeat(LIMIT / 2) + ']'.repeat(LIMIT / 2),
  ],
  [
    '16 levels, then a 1 MiB string',
    '/api/v1/auth/login',
    false,
    '['.repeat(16) + JSON.stringify('y'.repeat(LIMIT - 64)) + ']'.repeat(16),
  ],
  [
    'email of 1 MiB',
    '/api/v1/auth/login',
    false,
    JSON.stringify({ email: 'e'.repeat(LIMIT - 64), password: 'p' }),
  ],
  [
    '1 MiB of \\u escapes in a password',
    '/api/v1/auth/login',
    false,
    JSON.stringify({ email: 'a@b.c', password: '\u0001'.repeat(Math.floor(LIMIT / 6.2)) }),
  ],
  ['80 000 keys in plainDataObj', '/api/v1/credentials', true, credential(keys(80_000))],
  [
    '999 secret fields of 1 KiB',
    '/api/v1/credentials',
    true,
    credential(keys(999, JSON.stringify('s'.repeat(1000)))),
  ],
  [
    'one secret field of 1 MiB',
    '/api/v1/credentials',
    true,
    credential(JSON.stringify({ openAIApiKey: 'k'.repeat(LIMIT - 200) })),
  ],
  [
    'name of 1 MiB with zero-width characters',
    '/api/v1/credentials',
    true,
    credential('{"openAIApiKey":"k"}', '\u200b'.repeat(Math.floor(LIMIT / 7))),
  ],
  [
    'array of 999 arrays in plainDataObj',
    '/api/v1/credentials',
    true,
    credential(`{"a":[${Array(999).fill('[]').join(',')}]}`),
  ],
];

/** CPU time (user + system) of a process so far, in ms; /proc counts in ticks of 10 ms. */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function send(port, pathName, body, token) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathName,
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: {
          ...(body !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: error.message, ms: 0 }));
    req.end(body);
  });
}

const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ];

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-hostile-'));
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const server = await startServer({
    name: 'ours',
    args: [...npmStartNodeFlags(), serverEntry()],
    env: {
      JWT_SECRET: jwtSecret,
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
      DATA_DIR: path.join(workDir, 'data'),
      NODE_ENV: 'production',
    },
    port: await freePort(),
    logFile: path.join(workDir, 'server.log'),
  });
  const token = mintToken(jwtSecret, 'ws-bench');
  try {
    const results = [];
    for (const [label, pathName, authenticated, body] of BODIES) {
      await send(server.port, pathName, body, authenticated ? token : undefined); // warm-up
      // Ticks are coarse: the mean over many serial requests resolves a fraction of one.
      const before = cpuMs(server.pid);
      let response;
      for (let i = 0; i < REPEATS; i++) {
        response = await send(server.port, pathName, body, authenticated ? token : undefined);
      }
      const cpu = (cpuMs(server.pid) - before) / REPEATS;
      results.push({ label, pathName, authenticated, body, cpu });
      const message = (/"message":("[^"]*"|\[[^\]]*\])/.exec(response.text) ?? [])[1] ?? '';
      console.log(
        `${label.padEnd(44)} ${(body.length / 1024).toFixed(0).padStart(5)} KiB  ${response.status}  server CPU ${cpu.toFixed(1).padStart(5)} ms  ${message.slice(0, 70)}`,
      );
    }
    const worst = results.reduce((a, b) => (b.cpu > a.cpu ? b : a));
    console.log(
      `\nWorst body: "${worst.label}", ${worst.cpu.toFixed(1)} ms of server CPU per request (mean of ${REPEATS})`,
    );

    const idle = [];
    for (let i = 0; i < 50; i++) {
      idle.push((await send(server.port, '/api/v1/health')).ms);
      await sleep(20);
    }
    const underLoad = [];
    let stop = false;
    const hostile = (async () => {
      while (!stop) {
        void send(server.port, worst.pathName, worst.body, worst.authenticated ? token : undefined);
        await sleep(250);
      }
    })();
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      underLoad.push((await send(server.port, '/api/v1/health')).ms);
      await sleep(20);
    }
    stop = true;
    await hostile;
    const line = (name, values) =>
      `${name.padEnd(34)} p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms  max ${Math.max(...values).toFixed(1)} ms  (${values.length} requests)`;
    console.log(line('/health idle', idle));
    console.log(line(`/health, 4 worst bodies/s, ${SECONDS} s`, underLoad));
  } finally {
    await stopServer(server);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
