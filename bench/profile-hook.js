'use strict';
// Preloaded (-r) into the server only by `npm run bench -- --profile`. The runner's first IPC
// message 'profile' starts the V8 CPU profiler, the second writes
// BENCH_PROFILE_DIR/<label>.cpuprofile and exits, so the profile holds the load alone, not the
// start. (Not a signal: Nest's shutdown hooks own SIGUSR2 and the others.)
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const session = new inspector.Session();
session.connect();
let profiling = false;
process.channel?.unref();
process.on('message', (message) => {
  if (message !== 'profile') {
    return;
  }
  if (!profiling) {
    profiling = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (!error) {
      const dir = process.env.BENCH_PROFILE_DIR;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${process.env.BENCH_PROFILE_LABEL || 'ours'}.cpuprofile`),
        JSON.stringify(result.profile),
      );
    }
    process.exit(error ? 1 : 0);
  });
});
