import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { createCredentialBody } from '../e2e/factories';
import { removeDir } from '../e2e/test-app';
import { createTestDatabase, postgresOnly, sqliteOnly, TestDatabase } from '../e2e/test-store';
import {
  OfflineError,
  installedPackages,
  localSqlitePrebuild,
  packLibrary,
  repoRoot,
  run,
  startHost,
  tarballEntries,
  writeHost,
} from './package-harness';

/** What only the standalone server and its CLI use: none of it may reach a host. */
const SERVER_ONLY = [
  'fastify',
  '@nestjs/platform-fastify',
  '@fastify/static',
  '@fastify/helmet',
  'nest-commander',
  'cli-progress',
  '@nestjs/terminus',
  'pkcs11js',
  'mysql2',
];
const NPM_OFFLINE = ['--prefer-offline', '--no-audit', '--no-fund'];

/** Prints how long a step took, so a slow package test says where its time goes. */
async function timed<T>(phase: string, step: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await step();
  console.log(`Package test: ${phase} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

describe(
  'The npm package, installed into a fresh Nest app on Express',
  {
    skip: sqliteOnly(
      'this file runs the installed host on SQLite and on PostgreSQL itself, in the first pass',
    ),
  },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'vault-package-'));
    const hostDir = join(work, 'host');
    let tarball = '';
    let skipReason: string | undefined;
    let prebuildOffered = false;

    // Packed, installed and compiled once; each store below boots its own host process on it.
    before(async () => {
      mkdirSync(join(work, 'pack'));
      mkdirSync(join(work, 'prebuilds'));
      tarball = await timed('pack', () => packLibrary(join(work, 'pack')));
      writeHost(hostDir, tarball);
      try {
        const prebuild = localSqlitePrebuild(join(work, 'prebuilds'));
        prebuildOffered = Object.keys(prebuild).length > 0;
        await timed('install', () =>
          run('npm', ['install', ...NPM_OFFLINE], { cwd: hostDir, env: prebuild }),
        );
      } catch (error) {
        if (!(error instanceof OfflineError)) {
          throw error;
        }
        skipReason = `the host's packages could not be installed on this machine: ${error.message}`;
        console.log(`Package test skipped: ${skipReason}`);
        return;
      }
      await timed('compile', () =>
        run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
          cwd: hostDir,
        }),
      );
    });

    after(() => removeDir(work));

    it('ships the compiled library, its types and the catalogue, nothing else', () => {
      const entries = tarballEntries(tarball);
      const size = statSync(tarball).size;
      console.log(`Package tarball: ${entries.length} entries, ${(size / 1024).toFixed(0)} kB`);
      const unexpected = entries.filter(
        (entry) =>
          !/^package\/(package\.json|README\.md|LICENSE)$/.test(entry) &&
          !/^package\/dist\/.+\.(js|d\.ts)$/.test(entry) &&
          !/^package\/dist\/credential-types\/catalogue\/[^/]+\.json$/.test(entry),
      );
      expect(unexpected).toEqual([]);
      expect(entries).toContain('package/dist/index.js');
      expect(entries).toContain('package/dist/index.d.ts');
      expect(entries).toContain(
        'package/dist/credential-types/catalogue/flowise-credential-types.json',
      );
      // The standalone server's edge, CLI, rate limits and health checks.
      const serverOnly = /main\.js|\/cli\/|\/http\/|\/rate-limit\/|\/health\/|\/api-docs\/|fastify/;
      expect(entries.filter((entry) => serverOnly.test(entry))).toEqual([]);
    });

    it("installs without the server's packages, one native build (the host's driver), npm ls clean", (t) => {
      if (skipReason) {
        return t.skip(skipReason);
      }
      const installed = installedPackages(join(hostDir, 'node_modules'));
      expect(SERVER_ONLY.filter((name) => installed.has(name))).toEqual([]);
      expect(installed.get('@nestjs/core')).toHaveLength(1);
      expect(installed.get('@nestjs/common')).toHaveLength(1);
      const native = [...installed]
        .filter(([, dirs]) => dirs.some((dir) => existsSync(join(dir, 'binding.gyp'))))
        .map(([name]) => name);
      expect(native).toEqual(['sqlite3']);
      if (prebuildOffered) {
        // Compiling leaves node-gyp's object files; the offered binary comes without them.
        const release = join(hostDir, 'node_modules', 'sqlite3', 'build', 'Release');
        expect(existsSync(join(release, 'node_sqlite3.node'))).toBe(true);
        expect(existsSync(join(release, 'obj.target'))).toBe(false);
      }
      run('npm', ['ls', '--all'], { cwd: hostDir });
    });

    describe('on SQLite', () => {
      hostE2e(() => ({ hostDir, skipReason }), {
        HOST_DATABASE: join(work, 'host.sqlite'),
      });
    });

    describe('on PostgreSQL', { skip: postgresOnly() }, () => {
      let database: TestDatabase | undefined;
      hostE2e(
        () => ({ hostDir, skipReason }),
        async () => {
          database = await createTestDatabase();
          return { HOST_DATABASE_URL: database.url };
        },
      );
      after(() => database?.drop());
    });

    it("leaves the checkout's own npm ls --all clean too", () => {
      // nest-commander's discovery helper names Nest 11 only; package.json's overrides give it ours.
      run('npm', ['ls', '--all'], { cwd: repoRoot });
    });
  },
);

/**
 * The host's e2e on one store: boots the installed host (its own process) and drives it over
 * HTTP with the host's tokens, as the host's own users would.
 */
function hostE2e(
  installed: () => { hostDir: string; skipReason?: string },
  storeEnv: NodeJS.ProcessEnv | (() => Promise<NodeJS.ProcessEnv>),
): void {
  const hostTokenSecret = randomBytes(32);
  const jwtSecret = randomBytes(32);
  let host: ChildProcess | undefined;
  let url = '';

  before(async () => {
    const { hostDir, skipReason } = installed();
    if (skipReason) {
      return;
    }
    const env = typeof storeEnv === 'function' ? await storeEnv() : storeEnv;
    ({ url, host } = await timed(`boot (${Object.keys(env).join(', ')})`, () =>
      startHost(hostDir, {
        ...env,
        HOST_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        HOST_JWT_SECRET: jwtSecret.toString('base64'),
        HOST_TOKEN_SECRET: hostTokenSecret.toString('base64'),
      }),
    ));
  });
  after(() => host?.kill());

  /** A token of the host's own kind: its secret, its claims (no `sub`, no `workspaceId`). */
  const hostToken = (tenant = 'host-ws', role: 'editor' | 'viewer' = 'editor'): string =>
    sign({ uid: `user-${role}`, tenant, role }, hostTokenSecret, {
      algorithm: 'HS256',
      expiresIn: 60,
    });
  const call = (method: string, path: string, body?: unknown, bearer = hostToken()) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const unlessInstalled = (t: { skip(reason: string): void }): boolean => {
    const { skipReason } = installed();
    if (skipReason) {
      t.skip(skipReason);
    }
    return skipReason !== undefined;
  };

  it('leaves the host route public and untouched, mounts no identity routes', async (t) => {
    if (unlessInstalled(t)) {
      return;
    }
    const response = await fetch(`${url}/host`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ host: 'untouched' });
    expect((await call('GET', '/auth/me')).status).toBe(404);
    expect((await call('GET', '/workspaces')).status).toBe(404);
  });

  it("authorises vault requests with the host's own tokens through resolvePrincipal", async (t) => {
    if (unlessInstalled(t)) {
      return;
    }
    // The host's guard answers first: no token, or a vault token instead of a host one.
    const none = await fetch(`${url}/credentials`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: 'host: a host token is required' });
    const vaultToken = sign({ sub: 'u', workspaceId: 'host-ws' }, jwtSecret, { expiresIn: 60 });
    expect((await call('GET', '/credentials', undefined, vaultToken)).status).toBe(401);
    // The host's viewer role maps to view only.
    const viewer = hostToken('host-ws', 'viewer');
    expect((await call('GET', '/credentials', undefined, viewer)).status).toBe(200);
    expect((await call('POST', '/credentials', createCredentialBody(), viewer)).status).toBe(403);
  });

  it("serves the credentials API through the host's Express server", async (t) => {
    if (unlessInstalled(t)) {
      return;
    }
    const created = await call('POST', '/credentials', createCredentialBody({ name: 'Host key' }));
    expect(created.status).toBe(201);
    const { id, workspaceId } = (await created.json()) as { id: string; workspaceId: string };
    expect(workspaceId).toBe('host-ws');
    const list = await call('GET', '/credentials?limit=10');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(await list.json()).toMatchObject([{ id, name: 'Host key' }]);
    const renamed = await call('PUT', `/credentials/${id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id, name: 'Renamed' });
    expect((await call('GET', `/credentials/${id}`, undefined, hostToken('other-ws'))).status).toBe(
      404,
    );
    expect((await call('POST', '/credentials', { name: '' })).status).toBe(400);
    expect((await call('DELETE', `/credentials/${id}`)).status).toBe(200);
    expect((await call('GET', `/credentials/${id}`)).status).toBe(404);
  });

  it('reveals in process, records a usage, refuses the delete (409) unless forced', async (t) => {
    if (unlessInstalled(t)) {
      return;
    }
    const secret = { openAIApiKey: `sk-${randomBytes(12).toString('hex')}` };
    const created = await call(
      'POST',
      '/credentials',
      createCredentialBody({ name: 'Flow key', plainDataObj: secret }),
    );
    const { id } = (await created.json()) as { id: string };
    // The host reveals in its own process and answers a digest; the secret is not in the body.
    const checked = await call('GET', `/host/flows/check/${id}`);
    expect(checked.status).toBe(200);
    const checkedText = await checked.text();
    expect(checkedText).not.toContain(secret.openAIApiKey);
    expect(JSON.parse(checkedText)).toEqual({
      fields: ['openAIApiKey'],
      sha256: createHash('sha256').update(JSON.stringify(secret)).digest('hex'),
    });
    // Another tenant's user cannot reach it in process either.
    expect(
      (await call('GET', `/host/flows/check/${id}`, undefined, hostToken('other-ws'))).status,
    ).toBe(404);

    const attached = await call('PUT', `/host/flows/flow-1/credential/${id}`);
    expect(attached.status).toBe(200);
    const usages = await call('GET', `/credentials/${id}/usages`);
    expect(usages.status).toBe(200);
    expect(await usages.json()).toMatchObject([
      { kind: 'chatflow', id: 'flow-1', label: 'Host flow flow-1' },
    ]);
    const refused = await call('DELETE', `/credentials/${id}`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      usages: [{ kind: 'chatflow', id: 'flow-1' }],
    });
    expect((await call('GET', `/credentials/${id}`)).status).toBe(200);
    expect((await call('DELETE', `/credentials/${id}?force=true`)).status).toBe(200);
    expect((await call('GET', `/credentials/${id}`)).status).toBe(404);
  });

  it('serves the credential type catalogue from the package', async (t) => {
    if (unlessInstalled(t)) {
      return;
    }
    const response = await call('GET', '/components-credentials/openAIApi');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'openAIApi' });
    // The one handler that writes its own reply, through Express's response here.
    const icon = await call('GET', '/components-credentials-icon/openAIApi');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\//);
    expect(icon.headers.get('etag')).toBeTruthy();
  });
}
