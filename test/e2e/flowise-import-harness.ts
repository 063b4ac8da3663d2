import { expect } from 'expect';
import { join } from 'node:path';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { FlowiseCredential } from './flowise-fixture';
import { CliResult, JWT_SECRET, runCli, sql } from './key-custody-harness';
import { SecretLedger } from './leak-scan';
import { createTestApp, TestApp } from './test-app';

/**
 * `import:flowise` runs as the real CLI in a child process on a vault data directory; the test
 * then opens the same directory in-process to read the secrets back through the service.
 * Credential types are strict, the server's default.
 */
export function importFlowise(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(['import:flowise', ...args], {
    DATA_DIR: dataDir,
    CREDENTIAL_TYPES: 'strict',
    ...env,
  });
}

export function openVault(dataDir: string): Promise<TestApp> {
  return createTestApp({ JWT_SECRET, CREDENTIAL_TYPES: 'strict' }, dataDir);
}

export async function vaultCounts(
  dataDir: string,
): Promise<{ credentials: number; dataKeys: number }> {
  const file = join(dataDir, 'credentials.sqlite');
  const [{ n: credentials }] = await sql<{ n: number }>(
    file,
    'SELECT COUNT(*) AS n FROM vault_credential',
  );
  const [{ n: dataKeys }] = await sql<{ n: number }>(
    file,
    // The key canary has a data key of its own, under the empty workspace id.
    "SELECT COUNT(*) AS n FROM vault_workspace_data_key WHERE workspaceId <> ''",
  );
  return { credentials, dataKeys };
}

export function ledgerOf(
  credentials: readonly FlowiseCredential[],
  passphrase: string,
): SecretLedger {
  const ledger = new SecretLedger();
  ledger.add(passphrase.trim());
  for (const credential of credentials) {
    for (const value of Object.values(credential.plainDataObj)) {
      if (typeof value === 'string' && value.length >= 12) {
        ledger.add(value);
      }
    }
  }
  return ledger;
}

export function expectOutputClean(ledger: SecretLedger, result: CliResult, what: string): void {
  ledger.expectAbsentFrom(`${result.stdout}\n${result.stderr}`, `the output of ${what}`);
}

/**
 * Each Flowise credential is in its target workspace with id, name, type and dates kept, and the
 * in-process reveal gives back exactly Flowise's secret fields.
 */
export async function expectImported(
  vault: TestApp,
  credentials: readonly FlowiseCredential[],
  targetOf: (credential: FlowiseCredential) => string,
): Promise<void> {
  const service = vault.app.get(CredentialsService);
  for (const credential of credentials) {
    const workspaceId = targetOf(credential);
    await expect(service.get(workspaceId, credential.id)).resolves.toMatchObject({
      id: credential.id,
      name: credential.name,
      credentialName: credential.credentialName,
      workspaceId,
      createdDate: credential.createdDate.toISOString(),
      updatedDate: credential.updatedDate.toISOString(),
    });
    expect(await service.revealPlainData(workspaceId, credential.id)).toEqual(
      credential.plainDataObj,
    );
  }
}
