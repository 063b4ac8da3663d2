// Runs the compiled tests (dist-test/, built by `npm run pretest` with the Swagger plugin) with
// Node's own test runner. Arguments narrow the run: `npm test -- credentials-api config`.
const { mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

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
const result = spawnSync(
  process.execPath,
  ['--test', `--test-reporter=${reporter}`, '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: { ...process.env, CONTRACT_RECORD_DIR: recordDir } },
);
if (!keepRecords) {
  rmSync(recordDir, { recursive: true, force: true });
}
process.exit(result.status ?? 1);
