// Runs the compiled tests (dist-test/, built by `npm run pretest` with the Swagger plugin) with
// Node's own test runner. Arguments narrow the run: `npm test -- credentials-api config`.
const { mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawn } = require('node:child_process');

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return findTests(path);
    }
    return /\.(e2e-)?spec\.js$/.test(entry.name) ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests('dist-test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No compiled test matches ${filters.join(', ') || 'dist-test/**/*.spec.js'}`);
  process.exit(1);
}
const reporter = process.env.TEST_REPORTER ?? 'spec';
// The e2e apps record every answer here; zz-contract-drift (sorted last) checks them against
// the OpenAPI document. A CONTRACT_RECORD_DIR you set is kept, to re-check without a full run.
const keepRecords = process.env.CONTRACT_RECORD_DIR !== undefined;
const recordDir = process.env.CONTRACT_RECORD_DIR ?? mkdtempSync(join(tmpdir(), 'vault-contract-'));
const e2eFiles = files.filter((file) => file.endsWith('.e2e-spec.js'));
const passes = [{ name: 'SQLite', files, env: {} }];
if (e2eFiles.length > 0 && process.env.TEST_STORE !== 'postgres') {
  if (process.env.TEST_DATABASE_URL) {
    passes.push({ name: 'PostgreSQL', files: e2eFiles, env: { TEST_STORE: 'postgres' } });
  } else {
    console.log('PostgreSQL pass of the e2e files skipped: TEST_DATABASE_URL is not set');
  }
}
// With the PostgreSQL pass, the reporter's per-run totals are followed by the sum of both runs,
// in the same `ℹ pass N` form, so the last totals printed cover both stores.
const summed = passes.length > 1;
const totals = {};

/** Runs one pass, streaming its output (and, when summing, reading its totals from it). */
function runPass(pass) {
  const child = spawn(
    process.execPath,
    ['--test', `--test-reporter=${reporter}`, '--test-concurrency=1', ...pass.files],
    {
      stdio: summed ? ['inherit', 'pipe', 'inherit'] : 'inherit',
      env: { ...process.env, ...pass.env, CONTRACT_RECORD_DIR: recordDir },
    },
  );
  // The totals are the reporter's last `ℹ name N` lines (failures are listed after them), read
  // line by line as they stream; setEncoding keeps a multi-byte `ℹ` whole across chunks.
  const last = {};
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const match = /^ℹ (\w+) (\d+(?:\.\d+)?)$/.exec(line);
      if (match) {
        last[match[1]] = Number(match[2]);
      }
    }
  });
  return new Promise((done) =>
    child.on('close', (code) => {
      for (const [name, value] of Object.entries(last)) {
        totals[name] = (totals[name] ?? 0) + value;
      }
      done(code ?? 1);
    }),
  );
}

async function main() {
  let status = 0;
  for (const pass of passes) {
    if (summed) {
      console.log(`\n=== ${pass.name}: ${pass.files.length} test files ===`);
    }
    status = (await runPass(pass)) || status;
  }
  return status;
}

main().then((status) => {
  if (summed) {
    console.log('\n=== Both stores ===');
    for (const [name, value] of Object.entries(totals)) {
      console.log(`ℹ ${name} ${name === 'duration_ms' ? value.toFixed(3) : value}`);
    }
  }
  if (!keepRecords) {
    rmSync(recordDir, { recursive: true, force: true });
  }
  process.exit(status);
});
