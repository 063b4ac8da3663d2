import { expect } from 'expect';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createFlowiseMysql,
  createFlowisePostgres,
  FlowiseCredential,
  flowiseCredential,
  flowiseSample,
  writeFlowiseSqlite,
} from './flowise-fixture';
import {
  expectImported,
  expectOutputClean,
  importFlowise,
  ledgerOf,
  openVault,
  vaultCounts,
} from './flowise-import-harness';
import { newDataDir, ok, removeDir } from './key-custody-harness';

const PASSPHRASE = 'flowise-sources-key-5b1e07c2';
const TARGETS: Record<string, string> = { 'fw-ws-a': 'ws-a', 'fw-ws-b': 'ws-b' };
const MAPPED = ['--map-workspace', 'fw-ws-a=ws-a', '--map-workspace', 'fw-ws-b=ws-b'];
const targetOf = (credential: FlowiseCredential) => TARGETS[credential.workspaceId!];

/** A server database as the source: import, then every secret read back in-process. */
function sourceSuite(
  label: string,
  urlVariable: string,
  create: typeof createFlowisePostgres,
): void {
  const url = process.env[urlVariable];
  const skip = url ? false : `${label} source tests need ${urlVariable}`;
  if (skip) {
    console.log(`Skipping the ${label} Flowise import tests: ${urlVariable} is not set`);
  }
  describe(`import:flowise from ${label}`, { skip }, () => {
    const vaultDir = newDataDir();
    const sample = flowiseSample();
    let source: Awaited<ReturnType<typeof create>>;

    before(async () => {
      source = await create(url!, sample, PASSPHRASE);
    });
    after(async () => {
      await source?.drop();
      removeDir(vaultDir);
    });

    it('imports every credential with its secret, id, name, type and dates; a rerun adds nothing', async () => {
      const args = ['--from', source.url, '--key-env', 'FLOWISE_KEY', ...MAPPED];
      const env = { FLOWISE_KEY: PASSPHRASE };
      const result = ok(await importFlowise(vaultDir, args, env));
      expect(result.stdout).toContain('Imported 5 credential(s)');
      expect(result.stdout).toContain('import:flowise: clean');
      expectOutputClean(ledgerOf(sample, PASSPHRASE), result, `an import from ${label}`);
      const vault = await openVault(vaultDir);
      try {
        await expectImported(vault, sample, targetOf);
      } finally {
        await vault.close();
      }
      const again = ok(await importFlowise(vaultDir, args, env));
      expect(again.stdout).toContain('already imported 5, skipped 0');
      expect(await vaultCounts(vaultDir)).toEqual({ credentials: 5, dataKeys: 2 });

      const wrong = await importFlowise(vaultDir, args, { FLOWISE_KEY: `${PASSPHRASE}x` });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('The likely cause is the wrong key');
    });
  });
}

sourceSuite('PostgreSQL', 'TEST_DATABASE_URL', createFlowisePostgres);
sourceSuite('MySQL', 'TEST_MYSQL_URL', createFlowiseMysql);

describe('import:flowise at scale', () => {
  const dir = newDataDir();
  const flowiseFile = join(dir, 'database.sqlite');
  const credentials = Array.from({ length: 10_000 }, (_, i) =>
    flowiseCredential({
      name: `OpenAI ${i}`,
      workspaceId: i % 2 === 0 ? 'fw-ws-a' : 'fw-ws-b',
    }),
  );

  before(() => writeFlowiseSqlite(flowiseFile, credentials, PASSPHRASE));
  after(() => removeDir(dir));

  it('imports 10,000 credentials in well under a minute, and reports the rate', async () => {
    const vaultDir = join(dir, 'vault');
    const started = Date.now();
    const result = ok(
      await importFlowise(
        vaultDir,
        ['--from', flowiseFile, '--key-env', 'FLOWISE_KEY', ...MAPPED],
        { FLOWISE_KEY: PASSPHRASE },
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `import:flowise: 10,000 credentials in ${seconds.toFixed(1)} s wall time, CLI start and ` +
        `read-back check included (${Math.round(10_000 / seconds)}/s); the CLI said: ` +
        /Imported 10000 credential\(s\) in [^;]*/.exec(result.stdout)?.[0],
    );
    expect(result.stdout).toContain('Verified 10000 of 10000');
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 10_000, dataKeys: 2 });
    // Generous: the measured figure is far lower; the bound only catches a pathological slowdown.
    expect(seconds).toBeLessThan(60);
    const vault = await openVault(vaultDir);
    try {
      await expectImported(
        vault,
        [credentials[0], credentials[4_999], credentials[9_999]],
        targetOf,
      );
    } finally {
      await vault.close();
    }
  });
});
