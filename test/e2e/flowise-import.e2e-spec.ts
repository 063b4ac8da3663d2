import { expect } from 'expect';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CredentialsService } from '../../src/credentials/credentials.service';
import {
  FAILS_TYPE_CHECK,
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
import { TestApp } from './test-app';

/** Like Flowise's encryption.key file: it ends in a newline, which is part of the key. */
const PASSPHRASE = 'flowise-passphrase-9f2c41d7a0b3\n';
const TARGETS: Record<string, string> = { 'fw-ws-a': 'ws-a', 'fw-ws-b': 'ws-b' };
const targetOf = (credential: FlowiseCredential) => TARGETS[credential.workspaceId!];

describe('import:flowise from a Flowise SQLite database', () => {
  const dir = newDataDir();
  const vaultDir = join(dir, 'vault');
  const flowiseFile = join(dir, 'database.sqlite');
  const keyFile = join(dir, 'encryption.key');
  const sample = flowiseSample();
  const ledger = ledgerOf(sample, PASSPHRASE);
  const failing = sample.find((credential) => credential.name === FAILS_TYPE_CHECK)!;
  const source = ['--from', flowiseFile, '--key-file', keyFile];
  const mapped = [...source, '--map-workspace', 'fw-ws-a=ws-a', '--map-workspace', 'fw-ws-b=ws-b'];
  let vault: TestApp | undefined;

  before(async () => {
    writeFileSync(keyFile, PASSPHRASE);
    await writeFlowiseSqlite(flowiseFile, sample, PASSPHRASE);
  });
  after(async () => {
    await vault?.close();
    removeDir(dir);
  });

  it('--dry-run prints counts per workspace and type, and the type-check failure; writes nothing', async () => {
    const result = ok(await importFlowise(vaultDir, [...mapped, '--dry-run']));
    expect(result.stdout).toContain(`Flowise source: ${flowiseFile} (5 credential row(s))`);
    expect(result.stdout).toMatch(/Workspace fw-ws-a -> ws-a:\n {2}anthropicApi +new 1,/);
    expect(result.stdout).toMatch(/Workspace fw-ws-b -> ws-b:[^]*openAIApi +new 1,/);
    expect(result.stdout).toContain('Failing their type check: 1');
    expect(result.stdout).toContain(
      `${failing.id} (openAIApi): plainDataObj.openAIApiKey is required`,
    );
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expectOutputClean(ledger, result, 'a dry run');
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 0, dataKeys: 0 });
  });

  it('stops with the key named as the likely cause, writing nothing, when the key is wrong', async () => {
    // The same key without its trailing newline is another key: Flowise does not trim it.
    const trimmedKey = join(dir, 'trimmed.key');
    writeFileSync(trimmedKey, PASSPHRASE.trim());
    for (const args of [
      ['--key-file', trimmedKey],
      ['--key-env', 'PATH'],
    ]) {
      const result = await importFlowise(vaultDir, [
        '--from',
        flowiseFile,
        ...args,
        '--workspace',
        'ws-a',
      ]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(
        '5 of 5 Flowise credential(s) do not decrypt with the key given',
      );
      expect(result.stderr).toContain('The likely cause is the wrong key');
      expect(result.stderr).toContain('Nothing was written.');
      expectOutputClean(ledger, result, 'a wrong-key run');
    }
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 0, dataKeys: 0 });
  });

  it('refuses Flowise workspaces it has no target for, and strict type checks, writing nothing', async () => {
    const unmapped = await importFlowise(vaultDir, [...source, '--map-workspace', 'fw-ws-a=ws-a']);
    expect(unmapped.code).toBe(1);
    expect(unmapped.stdout).toContain(
      'Flowise workspace fw-ws-b (3 credential(s)) has no target here: pass --map-workspace ' +
        'fw-ws-b=<ours> or --workspace <ours>',
    );
    const strict = await importFlowise(vaultDir, [...mapped, '--types', 'strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(
      `Credential ${failing.id} fails its type check (--types strict)`,
    );
    expect(strict.stdout).toContain('Nothing was written.');
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 0, dataKeys: 0 });
  });

  it('imports every credential into its mapped workspace: secrets equal, ids, names, dates kept', async () => {
    const result = ok(await importFlowise(vaultDir, mapped));
    expect(result.stdout).toContain('Imported 5 credential(s)');
    expect(result.stdout).toContain(
      '1 of the new ones fail their type check (imported as they were)',
    );
    expect(result.stdout).toContain('Verified 5 of 5');
    expect(result.stdout).toContain('import:flowise: clean');
    expect(result.stderr).toMatch(/Importing \[/);
    expectOutputClean(ledger, result, 'the import');
    // One data key per workspace: stored exactly like an API create.
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 5, dataKeys: 2 });
    // Read with fs before any connection opens in this process: closing a file descriptor of
    // the database drops every POSIX lock this process holds on it, SQLite's included.
    ledger.expectFilesClean([
      join(vaultDir, 'credentials.sqlite'),
      join(vaultDir, 'credentials.sqlite-wal'),
    ]);
    vault = await openVault(vaultDir);
    await expectImported(vault, sample, targetOf);
  });

  it('a rerun skips what is already imported and duplicates nothing', async () => {
    const result = ok(await importFlowise(vaultDir, mapped));
    expect(result.stdout).toContain('Imported 0 credential(s)');
    expect(result.stdout).toContain('already imported 5, skipped 0');
    expect(await vaultCounts(vaultDir)).toEqual({ credentials: 5, dataKeys: 2 });
  });

  it('an id changed here since is a conflict: fail writes nothing, skip keeps ours, rename adds a copy', async () => {
    const service = vault!.app.get(CredentialsService);
    const changed = sample[0];
    await service.update('ws-a', changed.id, {
      plainDataObj: { openAIApiKey: 'sk-changed-in-vault' },
    });
    const added = flowiseCredential({ name: 'Added later' });
    ledger.add(String(added.plainDataObj.openAIApiKey));
    await writeFlowiseSqlite(flowiseFile, [added], PASSPHRASE);

    const failed = await importFlowise(vaultDir, mapped);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`${changed.id}: exists with other content -> fail`);
    expect(failed.stdout).toContain(
      `Credential ${changed.id} exists here already with other content: choose --on-conflict skip or rename`,
    );
    expect(await vaultCounts(vaultDir)).toMatchObject({ credentials: 5 });

    const skipped = ok(await importFlowise(vaultDir, [...mapped, '--on-conflict', 'skip']));
    expect(skipped.stdout).toContain('Imported 1 credential(s)');
    expect(skipped.stdout).toContain('already imported 4, skipped 1');
    expect(await service.revealPlainData('ws-a', changed.id)).toEqual({
      openAIApiKey: 'sk-changed-in-vault',
    });
    await expectImported(vault!, [added], targetOf);

    const renamed = ok(await importFlowise(vaultDir, [...mapped, '--on-conflict', 'rename']));
    const newId = /-> rename as ([0-9a-f-]{36})/.exec(renamed.stdout)![1];
    expect(renamed.stdout).toContain('Imported 1 credential(s)');
    await expectImported(
      vault!,
      [{ ...changed, id: newId, name: `${changed.name} (from Flowise)` }],
      targetOf,
    );
    expect(await service.revealPlainData('ws-a', changed.id)).toEqual({
      openAIApiKey: 'sk-changed-in-vault',
    });
    // The copy's id is derived from the original, so a rerun finds it instead of copying again.
    const again = ok(await importFlowise(vaultDir, [...mapped, '--on-conflict', 'rename']));
    expect(again.stdout).toContain(`-> rename as ${newId}`);
    expect(again.stdout).toContain('Imported 0 credential(s)');
    expect(await vaultCounts(vaultDir)).toMatchObject({ credentials: 7 });
    expectOutputClean(ledger, renamed, 'a renaming import');
  });

  it('an id that lives in another workspace here is a conflict too', async () => {
    const result = await importFlowise(vaultDir, [...source, '--workspace', 'ws-c', '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${sample[1].id}: exists in workspace ws-a -> fail`);
  });
});
