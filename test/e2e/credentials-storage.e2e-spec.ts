import { expect } from 'expect';
import { after, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { createCredentialBody, secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { DataSource } from 'typeorm';
import { databaseText } from './portable-sql';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';
import { onPostgres } from './test-store';

/** The database file and every file SQLite may keep beside it. */
function databaseFiles(t: TestApp): string[] {
  return ['', '-wal', '-shm', '-journal'].map((suffix) => `${t.config.sqlitePath}${suffix}`);
}

describe('Storage: encryption at rest, restarts and keys', () => {
  const dataDirs: string[] = [];
  after(() => dataDirs.forEach(removeDir));

  async function start(env: NodeJS.ProcessEnv = {}, dataDir?: string): Promise<TestApp> {
    const t = await createTestApp(env, dataDir);
    dataDirs.push(t.dataDir);
    return t;
  }

  async function createOneAndClose(t: TestApp): Promise<void> {
    await request(t.http())
      .post('/api/v1/credentials')
      .set(auth(t, randomWorkspaceId()))
      .send(createCredentialBody())
      .expect(201);
    await t.close();
  }

  function auth(t: TestApp, workspaceId: string) {
    return { Authorization: `Bearer ${t.tokenFor({ workspaceId })}` };
  }

  it('generates an owner-only key file on first start, and keeps plaintext off the disk', async () => {
    const t = await start();
    const keyFile = join(t.dataDir, 'encryption.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);

    const ledger = new SecretLedger();
    const workspaceId = randomWorkspaceId();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await request(t.http())
        .post('/api/v1/credentials')
        .set(auth(t, workspaceId))
        .send(
          createCredentialBody({
            credentialName: 'awsApi',
            plainDataObj: { awsKey: ledger.add(secretValue()) },
          }),
        );
      ids.push((response.body as { id: string }).id);
    }
    for (const id of ids.slice(0, 10)) {
      await request(t.http())
        .put(`/api/v1/credentials/${id}`)
        .set(auth(t, workspaceId))
        .send({ plainDataObj: { awsSecret: ledger.add(secretValue('aws')) } })
        .expect(200);
    }
    if (onPostgres) {
      ledger.expectAbsentFrom(await databaseText(t.app.get(DataSource)), 'the database');
      await t.close();
    } else {
      // Scan while the server runs (the WAL holds the recent writes) and again after it closed.
      expect(databaseFiles(t).filter(existsSync).length).toBeGreaterThanOrEqual(2);
      ledger.expectFilesClean(databaseFiles(t));
      await t.close();
      ledger.expectFilesClean(databaseFiles(t));
    }
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    expect(ledger.size).toBe(30);
  });

  it('keeps every credential across a restart with the same configuration, and merges still work', async () => {
    const first = await start();
    const workspaceId = randomWorkspaceId();
    const secrets = Array.from({ length: 5 }, () => secretValue());
    const created: Array<Record<string, string>> = [];
    for (const secret of secrets) {
      const response = await request(first.http())
        .post('/api/v1/credentials')
        .set(auth(first, workspaceId))
        .send(createCredentialBody({ credentialName: 'awsApi', plainDataObj: { awsKey: secret } }));
      created.unshift(response.body as Record<string, string>);
    }
    await first.close();

    const second = await start({}, first.dataDir);
    const list = await request(second.http())
      .get('/api/v1/credentials')
      .set(auth(second, workspaceId));
    expect(list.body).toEqual(created);

    const newSecret = secretValue();
    await request(second.http())
      .put(`/api/v1/credentials/${created[0].id}`)
      .set(auth(second, workspaceId))
      .send({ plainDataObj: { awsSecret: newSecret } })
      .expect(200);
    await expect(
      second.app.get(CredentialsService).revealPlainData(workspaceId, created[0].id),
    ).resolves.toEqual({
      awsKey: secrets[4],
      awsSecret: newSecret,
    });
    await second.close();
  });

  it('refuses to start with another key and leaves the database byte-for-byte unchanged', async () => {
    const key = randomBytes(32).toString('base64');
    const first = await start({ ENCRYPTION_KEY: key });
    await createOneAndClose(first);
    const before = databaseFiles(first).map((file) =>
      existsSync(file) ? readFileSync(file) : null,
    );

    const otherKey = randomBytes(32).toString('base64');
    const failure = start({ ENCRYPTION_KEY: otherKey }, first.dataDir);
    await expect(failure).rejects.toThrow(/encryption key does not match/);
    await expect(failure).rejects.toThrow(/the database was not modified/);
    await expect(failure).rejects.not.toThrow(otherKey);

    const afterwards = databaseFiles(first).map((file) =>
      existsSync(file) ? readFileSync(file) : null,
    );
    expect(afterwards).toEqual(before);

    // The right key still opens it.
    const again = await start({ ENCRYPTION_KEY: key }, first.dataDir);
    await again.close();
  });

  it('refuses to start when the key file is missing but the database holds credentials', async () => {
    const first = await start();
    await createOneAndClose(first);
    const keyFile = join(first.dataDir, 'encryption.key');
    renameSync(keyFile, `${keyFile}.moved`);

    await expect(start({}, first.dataDir)).rejects.toThrow(
      /encryption key file .* is missing.*Restore the key file/s,
    );
    expect(existsSync(keyFile)).toBe(false);

    renameSync(`${keyFile}.moved`, keyFile);
    const restored = await start({}, first.dataDir);
    await restored.close();
  });
});
