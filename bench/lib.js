'use strict';
// Process, HTTP and token helpers of the benchmark.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpGet(port, path, headers = {}) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** Resident set size of a process in bytes (Linux), or undefined once it has exited. */
function rssOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux), or undefined once gone. */
function cpuMsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times (100 on every mainstream kernel). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Spawns a server and resolves once `probe` (default GET /api/v1/health; give it a path and an
 * Authorization header to time the first authenticated 200) answers 200, with the time from spawn
 * to that answer (the cold start).
 */
async function startServer({
  name,
  args,
  env,
  port,
  logFile,
  ipc = false,
  timeoutMs = 30000,
  probe = { path: '/api/v1/health' },
}) {
  const log = fs.openSync(logFile, 'a');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', log, log, ...(ipc ? ['ipc'] : [])],
  });
  fs.closeSync(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  for (;;) {
    if (exited) {
      throw new Error(`${name} exited during start; see ${logFile}`);
    }
    if ((await httpGet(port, probe.path, probe.headers)) === 200) {
      break;
    }
    if (Number(process.hrtime.bigint() - started) / 1e6 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(
        `${name} did not answer ${probe.path} within ${timeoutMs} ms; see ${logFile}`,
      );
    }
    await sleep(10);
  }
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { name, child, pid: child.pid, port, coldStartMs };
}

/** Stops with SIGTERM, or with the IPC message `profile` (see profile-hook.js). */
function stopServer(server, how = 'SIGTERM') {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (how === 'profile') {
      server.child.send('profile');
    } else {
      server.child.kill(how);
    }
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The node flags of `npm start` (package.json), so the benchmark runs the server as users do. */
function npmStartNodeFlags() {
  const { scripts } = require('../package.json');
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * The server file `npm start` runs in a build (dist/start.js: the bundle with its code cache),
 * or dist/main.js for a build from before the bundle (compare-builds).
 */
function serverEntry(buildRoot = path.join(__dirname, '..')) {
  const start = path.join(buildRoot, 'dist', 'start.js');
  return fs.existsSync(start) ? start : path.join(buildRoot, 'dist', 'main.js');
}

/** An HS256 token as `npm run token` mints them. */
function mintToken(secret, workspaceId, ttlSeconds = 3600) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'bench-user', workspaceId, iat: now, exp: now + ttlSeconds })}`;
  return `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Samples the RSS of some processes until stopped; keeps each one's maximum. */
class RssSampler {
  constructor(pids, intervalMs = 100) {
    this.max = new Map(pids.map((pid) => [pid, 0]));
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  sample() {
    for (const pid of this.max.keys()) {
      const rss = rssOf(pid) ?? 0;
      if (rss > this.max.get(pid)) {
        this.max.set(pid, rss);
      }
    }
  }
  stop() {
    this.sample();
    clearInterval(this.timer);
    return this.max;
  }
}

function median(values) {
  const sorted = values
    .filter((v) => typeof v === 'number' && !Number.isNaN(v))
    .sort((a, b) => a - b);
  if (sorted.length === 0) {
    return undefined;
  }
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

module.exports = {
  freePort,
  rssOf,
  cpuMsOf,
  startServer,
  stopServer,
  sleep,
  mintToken,
  npmStartNodeFlags,
  serverEntry,
  RssSampler,
  median,
};
