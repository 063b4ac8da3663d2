import { expect } from 'expect';
import { describe, it, before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from '../../src/database/schema';
import { dataKeyAad, KeyHierarchy } from '../../src/keys/key-hierarchy';
import { KeyHierarchyEncryptionProvider } from '../../src/keys/key-hierarchy-encryption.provider';
import { Pkcs11MasterKeyProvider } from '../../src/keys/pkcs11-master-key.provider';
import {
  api,
  newDataDir,
  ok,
  pkcs11TestEnv,
  removeDir,
  runCli,
  sql,
  startRefused,
  startServer,
} from './key-custody-harness';

const hsm = pkcs11TestEnv();
const skip = 'skip' in hsm ? hsm.skip : undefined;
if (skip) {
  console.log(`Skipping the PKCS#11 tests: ${skip}`);
}
const label = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

const enabled = 'skip' in hsm ? undefined : hsm;
// SoftHSM2 reads SOFTHSM2_CONF from this process's environment.
Object.assign(process.env, enabled?.extraEnv);
const config = {
  kind: 'pkcs11' as const,
  module: enabled?.module ?? '',
  tokenLabel: enabled?.tokenLabel ?? '',
  pin: enabled?.pin ?? '',
  keyLabel: label('unused'),
};

describe('PKCS#11 login', () => {
  // First, while no other session of this process is logged in to the token.
  it('refuses a wrong PIN without echoing it', { skip }, () => {
    expect(() => Pkcs11MasterKeyProvider.open({ ...config, pin: 'wrong-pin-4417' })).toThrow(
      /^(?![\s\S]*wrong-pin-4417)PKCS#11 login failed/,
    );
  });
});

describe('PKCS#11 master keys (SoftHSM2)', () => {
  let provider: Pkcs11MasterKeyProvider;
  before(() => {
    if (!skip) {
      provider = Pkcs11MasterKeyProvider.open(config);
    }
  });
  after(() => provider?.close());

  it(
    'generates a sensitive, non-extractable AES key in the token and wraps with it',
    { skip },
    async () => {
      const kid = label('hsm');
      await provider.createKey(kid);
      expect((await provider.listKeys()).map((key) => key.kid)).toContain(kid);
      expect(provider.isNonExtractable(kid)).toBe(true);
      const dataKey = randomBytes(32);
      const wrapped = await provider.wrap(kid, dataKey, dataKeyAad('ws-a', 1, kid));
      expect(wrapped).not.toContain(dataKey.toString('base64url'));
      await expect(provider.unwrap(kid, wrapped, dataKeyAad('ws-a', 1, kid))).resolves.toEqual(
        dataKey,
      );
      await expect(provider.unwrap(kid, wrapped, dataKeyAad('ws-b', 1, kid))).rejects.toThrow(
        'failed authentication',
      );
      await provider.destroyKey(kid);
    },
  );

  it(
    'serves the key hierarchy, and another session finds the key by its label',
    { skip },
    async () => {
      const kid = label('hsm');
      await provider.createKey(kid);
      const dataSource = new DataSource({
        type: 'sqlite',
        database: ':memory:',
        entities: CREDENTIALS_ENTITIES,
        migrations: CREDENTIALS_MIGRATIONS,
      });
      await dataSource.initialize();
      await dataSource.runMigrations();
      try {
        const keys = new KeyHierarchy(dataSource, provider);
        await keys.recordActiveMasterKeyId(kid);
        const encryption = new KeyHierarchyEncryptionProvider(keys);
        const context = { workspaceId: 'ws-a', credentialId: 'c1' };
        const envelope = await encryption.encrypt('{"apiKey":"sk-hsm"}', context);
        const other = Pkcs11MasterKeyProvider.open(config);
        try {
          const fresh = new KeyHierarchyEncryptionProvider(new KeyHierarchy(dataSource, other));
          await expect(fresh.decrypt(envelope, context)).resolves.toBe('{"apiKey":"sk-hsm"}');
        } finally {
          await other.close();
        }
      } finally {
        await dataSource.destroy();
        await provider.destroyKey(kid);
      }
    },
  );

  it('runs a server and the keys:* commands with KEY_PROVIDER=pkcs11', { skip }, async () => {
    const hsm = enabled!;
    const dir = newDataDir();
    const first = label('hsm-first');
    const second = label('hsm-second');
    const env = {
      DATA_DIR: dir,
      KEY_PROVIDER: 'pkcs11',
      PKCS11_MODULE: hsm.module,
      PKCS11_TOKEN_LABEL: hsm.tokenLabel,
      PKCS11_PIN: hsm.pin,
      PKCS11_KEY_LABEL: first,
      ...hsm.extraEnv,
    };
    try {
      const server = await startServer(env);
      try {
        const created = await api(server, 'POST', '/credentials', 'ws-a', {
          name: 'OpenAI',
          credentialName: 'keyCustodyTest',
          plainDataObj: { openAIApiKey: 'sk-hsm-e2e' },
        });
        expect(created.status).toBe(201);
        const [dataKey] = await sql<{ masterKeyId: string }>(
          join(dir, 'credentials.sqlite'),
          "SELECT masterKeyId FROM vault_workspace_data_key WHERE workspaceId = 'ws-a'",
        );
        expect(dataKey.masterKeyId).toBe(first);

        const rotated = ok(await runCli(['keys:rotate-master', '--kid', second], env));
        expect(rotated.stdout).toContain(`Master key ${second} is active (new key created)`);
        expect(ok(await runCli(['keys:rotate-data', '--all'], env)).stdout).toContain(
          'ws-a: data key v2',
        );
        const verify = JSON.parse(ok(await runCli(['keys:verify', '--json'], env)).stdout) as {
          failures: unknown[];
          byMasterKey: Record<string, number>;
        };
        expect(verify.failures).toEqual([]);
        expect(verify.byMasterKey).toEqual({ [second]: 1 });
        const retired = ok(await runCli(['keys:retire', first], env));
        expect(retired.stdout).toContain(`Destroyed the key object labelled ${first} in the HSM`);
        const merged = await api(server, 'PUT', `/credentials/${String(created.body.id)}`, 'ws-a', {
          plainDataObj: { extra: 'x' },
        });
        expect(merged.status).toBe(200);
      } finally {
        await server.stop();
      }
      // The HSM key the data needs is gone: starting must refuse, naming it.
      ok(await runCli(['keys:rotate-master', '--kid', label('hsm-third')], env));
      const keyIds = await sql<{ masterKeyId: string }>(
        join(dir, 'credentials.sqlite'),
        'SELECT DISTINCT masterKeyId FROM vault_workspace_data_key',
      );
      expect(keyIds).toHaveLength(1);
      const provider2 = Pkcs11MasterKeyProvider.open(config);
      try {
        await provider2.destroyKey(keyIds[0].masterKeyId);
      } finally {
        await provider2.close();
      }
      const refused = await startRefused(env);
      expect(refused.stdout + refused.stderr).toContain(
        `Missing master key(s): ${keyIds[0].masterKeyId}`,
      );
      expect(refused.stdout + refused.stderr).not.toContain(hsm.pin);
    } finally {
      removeDir(dir);
    }
  });
});
