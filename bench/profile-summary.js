'use strict';
// node bench/profile-summary.js <file.cpuprofile> [top]
// The frames with the most self time, and self time per package, of a `node --cpu-prof` profile.
// (`npm run bench -- --profile --no-reference --scenarios get` writes one under bench/results/profiles.)
const fs = require('node:fs');

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('Usage: node bench/profile-summary.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
const frames = new Map();
const packages = new Map();
const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  add(
    frames,
    `${callFrame.functionName || '(anonymous)'}  ${where}:${callFrame.lineNumber + 1}`,
    micros,
  );
  add(packages, packageOf(where, callFrame.functionName), micros);
}

function packageOf(where, functionName) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
    where.split('node_modules/').length > 1 ? where.slice(where.lastIndexOf('node_modules/')) : '',
  );
  if (match) return match[1];
  if (where.startsWith('dist/')) return 'our code (dist/)';
  if (where.startsWith('node:') || where === '')
    return functionName.startsWith('(') ? functionName : 'node internals / native';
  return where;
}

const print = (title, map, limit) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print('Self time by package', packages, 20);
print(`Top ${top} frames by self time`, frames, top);
