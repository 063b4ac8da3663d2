import { expect } from 'expect';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createTestApp, removeDir, TestApp } from './test-app';

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
/** No update checks or usage reports: the linters run offline. */
const OFFLINE_ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_COLOR: '1',
};

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(join(BIN, command), args, {
    cwd: ROOT,
    env: OFFLINE_ENV,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('OpenAPI document under third-party linters', () => {
  let t: TestApp;
  let workDir: string;
  let documentFile: string;

  before(async () => {
    t = await createTestApp();
    workDir = mkdtempSync(join(tmpdir(), 'vault-openapi-'));
    documentFile = join(workDir, 'openapi.json');
    const response = await request(t.http()).get('/api/docs-json').expect(200);
    writeFileSync(documentFile, JSON.stringify(response.body));
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
    removeDir(workDir);
  });

  it("passes Redocly's recommended ruleset with no error and no warning", () => {
    const { status, output } = run('redocly', [
      'lint',
      '--config',
      join(ROOT, 'redocly.yaml'),
      '--format',
      'stylish',
      documentFile,
    ]);
    expect({
      status,
      problems: output.split('\n').filter((line) => /(error|warning) /.test(line)),
    }).toEqual({ status: 0, problems: [] });
  });

  it('passes Spectral spectral:oas with no error and no warning', () => {
    const report = join(workDir, 'spectral.json');
    const { status, output } = run('spectral', [
      'lint',
      '--ruleset',
      join(ROOT, '.spectral.yaml'),
      '--format',
      'json',
      '--output',
      report,
      '--fail-severity',
      'hint',
      documentFile,
    ]);
    const problems = existsSync(report) ? readFileSync(report, 'utf8') : output;
    expect({ status, problems: status === 0 ? '' : problems }).toEqual({ status: 0, problems: '' });
  });
});
