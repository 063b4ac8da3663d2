// Builds with `nest build` (the Swagger plugin included) only when the sources changed since the
// last build, so `npm start` on an up-to-date tree starts at once. Targets: `server` (dist/, the
// standalone server and CLI) and `library` (packages/credential-vault/dist/, the published
// package); `--force` builds even when nothing changed. The fingerprint is a hash of the
// inputs' contents (not their dates, so a checkout that changes nothing builds nothing), kept in
// the output folder, which `nest build` empties first: a build by other means is redone once.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const TARGETS = {
  // The server is also bundled into dist/main.bundle.js for a fast start (see src/start.ts).
  server: {
    tsconfig: 'tsconfig.build.json',
    outDir: 'dist',
    entry: 'main.js',
    then: 'scripts/bundle-server.js',
  },
  library: {
    tsconfig: 'packages/credential-vault/tsconfig.build.json',
    outDir: 'packages/credential-vault/dist',
    entry: 'index.js',
  },
};
const SHARED_INPUTS = ['tsconfig.json', 'nest-cli.json', 'package-lock.json'];

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return entry.name.endsWith('.spec.ts') ? [] : [path];
  });
}

function fingerprint(target) {
  const hash = createHash('sha256');
  const inputs = [...SHARED_INPUTS, target.tsconfig].map((file) => join(root, file));
  for (const file of [...inputs, ...sourceFiles(join(root, 'src')).sort()]) {
    hash.update(relative(root, file)).update('\0');
    hash.update(existsSync(file) ? readFileSync(file) : '').update('\0');
  }
  return hash.digest('hex');
}

function build(name, force) {
  const target = TARGETS[name];
  if (!target) {
    console.error(`Unknown build target ${name}; use ${Object.keys(TARGETS).join(' or ')}`);
    process.exit(2);
  }
  const stampFile = join(root, target.outDir, '.build-fingerprint');
  const current = fingerprint(target);
  const built =
    existsSync(join(root, target.outDir, target.entry)) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === current;
  if (built && !force) {
    return;
  }
  const nest = join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
  if (!existsSync(nest)) {
    // An install without dev dependencies (npm ci --omit=dev) next to a dist/ built elsewhere.
    const built = existsSync(join(root, target.outDir, target.entry));
    console.error(
      built
        ? `${target.outDir}/ may be out of date, but @nestjs/cli is not installed: not rebuilt`
        : `${target.outDir}/ is missing and @nestjs/cli is not installed: run npm ci first`,
    );
    process.exit(built ? 0 : 1);
  }
  console.error(`Building ${target.outDir}/ (sources changed since the last build)`);
  const result = spawnSync(process.execPath, [nest, 'build', '--path', target.tsconfig], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
  if (target.then) {
    const next = spawnSync(process.execPath, [join(root, target.then)], {
      cwd: root,
      stdio: 'inherit',
    });
    if (next.status !== 0) {
      process.exit(next.status ?? 1);
    }
  }
  writeFileSync(stampFile, current);
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const names = args.filter((arg) => arg !== '--force');
for (const name of names.length > 0 ? names : ['server']) {
  build(name, force);
}
