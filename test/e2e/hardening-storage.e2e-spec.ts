import { expect } from 'expect';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createCredentialBody, secretValue } from './factories';
import { bodyOf } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';
import { sqliteOnly } from './test-store';

/** A 6 MiB tmpfs of our own, so the disk can really fill up; needs root (CAP_SYS_ADMIN). */
function mountTinyFilesystem(): { dir: string; reason?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vault-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return { dir };
  } catch (error) {
    return { dir, reason: `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]})` };
  }
}

/** Writes a filler file until the filesystem refuses another byte. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      writeSync(fd, chunk);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
      throw error;
    }
    // Top up the last partial chunk's worth too.
    try {
      for (;;) {
        writeSync(fd, Buffer.alloc(512, 1));
      }
    } catch {
      // full
    }
  } finally {
    closeSync(fd);
  }
}

describe(
  'Hardening: a full disk',
  { skip: sqliteOnly('simulates a full disk under the SQLite file (tmpfs)') },
  () => {
    const mounted = mountTinyFilesystem();
    if (mounted.reason) {
      console.log(`Skipping the disk-full tests: ${mounted.reason}`);
    }
    let t: TestApp;
    const token = () => t.tokenFor({ workspaceId: 'ws-full' });

    before(async () => {
      if (!mounted.reason) {
        t = await createTestApp({}, join(mounted.dir, 'data'));
      }
    });
    after(async () => {
      await t?.close();
      if (!mounted.reason) {
        execFileSync('umount', [mounted.dir]);
      }
      rmSync(mounted.dir, { recursive: true, force: true });
    });

    it(
      'answers 507 while writes cannot commit, fails /health, serves reads, recovers by itself',
      { skip: mounted.reason },
      async () => {
        const create = (name: string) =>
          request(t.http())
            .post('/api/v1/credentials')
            .set('Authorization', `Bearer ${token()}`)
            .send(createCredentialBody({ name, plainDataObj: { openAIApiKey: secretValue() } }));
        expect((await create('before the disk filled')).status).toBe(201);
        const filler = join(mounted.dir, 'filler');
        fillUp(filler);

        const refusedNames: string[] = [];
        let refused: request.Response | undefined;
        for (let i = 0; i < 200 && !refused; i++) {
          const name = `while-full-${randomUUID()}`;
          const response = await request(t.http())
            .post('/api/v1/credentials')
            .set('Authorization', `Bearer ${token()}`)
            .send(
              createCredentialBody({ name, plainDataObj: { openAIApiKey: 'k'.repeat(60_000) } }),
            );
          expect(response.status === 201 || response.status === 507).toBe(true);
          if (response.status === 507) {
            refused = response;
            refusedNames.push(name);
          }
        }
        expect(refused?.body).toEqual({
          statusCode: 507,
          message: 'The server is out of storage: nothing was saved. Retry later.',
          error: 'Insufficient Storage',
        });

        const list = await request(t.http())
          .get('/api/v1/credentials')
          .set('Authorization', `Bearer ${token()}`);
        expect(list.status).toBe(200);
        expect(bodyOf<Array<{ name: string }>>(list).map((c) => c.name)).not.toContain(
          refusedNames[0],
        );

        const unhealthy = await request(t.http()).get('/api/v1/health');
        expect(unhealthy.status).toBe(503);
        expect(
          bodyOf<{ error?: { storage?: { status: string } } }>(unhealthy).error?.storage?.status,
        ).toBe('down');

        rmSync(filler);
        let healthy = unhealthy;
        for (let i = 0; i < 50 && healthy.status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          healthy = await request(t.http()).get('/api/v1/health');
        }
        expect(healthy.status).toBe(200);
        expect((await create('after space came back')).status).toBe(201);

        const logs = t.logs.lines.join('\n');
        expect(logs).toContain('Storage is full');
        expect(logs).not.toContain(refusedNames[0]);
        expect(logs).not.toMatch(/INSERT INTO/);
      },
    );
  },
);

describe(
  'Hardening: database file modes',
  { skip: sqliteOnly('file modes of the SQLite database and its WAL') },
  () => {
    let t: TestApp;
    let dataDir: string;
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'vault-modes-'));
      chmodSync(dataDir, 0o755);
      t = await createTestApp({}, dataDir);
    });
    after(async () => {
      await t.close();
      removeDir(dataDir);
    });

    it('creates the database, its WAL and shared memory 0600 in a directory others can read', async () => {
      const created = await request(t.http())
        .post('/api/v1/credentials')
        .set('Authorization', `Bearer ${t.tokenFor({ workspaceId: 'ws-modes' })}`)
        .send(createCredentialBody());
      expect(created.status).toBe(201);
      for (const suffix of ['', '-wal', '-shm']) {
        const mode = statSync(join(dataDir, `credentials.sqlite${suffix}`)).mode & 0o777;
        expect({ suffix, mode: mode.toString(8) }).toEqual({ suffix, mode: '600' });
      }
    });
  },
);
