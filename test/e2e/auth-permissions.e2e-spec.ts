import { expect } from 'expect';
import { JwtService } from '@nestjs/jwt';
import { decode } from 'jsonwebtoken';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { Role, ROLE_PERMISSIONS, ROLES } from '../../src/core/permissions';
import { createCredentialBody } from './factories';
import { bearer, bodyOf, createUser, createWorkspace, login, messageOf } from './identity';
import { SecretLedger } from './leak-scan';
import { createTestApp, removeDir, TestApp } from './test-app';
import { childStoreEnv } from './test-store';

type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

const OPERATIONS: Record<Operation, { permission: string; success: number }> = {
  list: { permission: 'credentials:view', success: 200 },
  get: { permission: 'credentials:view', success: 200 },
  create: { permission: 'credentials:create', success: 201 },
  update: { permission: 'credentials:update', success: 200 },
  delete: { permission: 'credentials:delete', success: 200 },
};

describe('Permissions on the credentials API', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  let workspaceId: string;
  const tokens = new Map<Role, string>();

  before(async () => {
    t = await createTestApp();
    const workspace = await createWorkspace(t, 'Perms');
    workspaceId = workspace.workspaceId;
    for (const role of ROLES) {
      const user = role === 'owner' ? workspace.owner : await createUser(t, { workspaceId, role });
      ledger.add(user.password);
      const session = await login(t, user);
      tokens.set(role, ledger.add(session.accessToken));
      ledger.add(session.refreshToken);
    }
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  /** A fresh credential (made with a full-permission CLI token), for get/update/delete. */
  async function seedCredential(): Promise<string> {
    const response = await request(t.http())
      .post('/api/v1/credentials')
      .set(bearer(t.tokenFor({ workspaceId })))
      .send(createCredentialBody());
    expect(response.status).toBe(201);
    return bodyOf(response).id as string;
  }

  async function perform(operation: Operation, token: string): Promise<request.Response> {
    const api = request(t.http());
    const id = operation === 'list' || operation === 'create' ? '' : await seedCredential();
    const auth = bearer(token);
    switch (operation) {
      case 'list':
        return api.get('/api/v1/credentials').set(auth);
      case 'get':
        return api.get(`/api/v1/credentials/${id}`).set(auth);
      case 'create':
        return api.post('/api/v1/credentials').set(auth).send(createCredentialBody());
      case 'update':
        return api.put(`/api/v1/credentials/${id}`).set(auth).send({ name: 'Renamed' });
      case 'delete':
        return api.delete(`/api/v1/credentials/${id}`).set(auth);
    }
  }

  for (const role of ROLES) {
    for (const [operation, { permission, success }] of Object.entries(OPERATIONS)) {
      const allowed = (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
      it(`${role} ${operation}: ${allowed ? success : 403}`, async () => {
        const response = await perform(operation as Operation, tokens.get(role)!);
        if (allowed) {
          expect(response.status).toBe(success);
        } else {
          expect(response.status).toBe(403);
          expect(response.body).toEqual({
            statusCode: 403,
            message: `Missing permission ${permission}`,
            error: 'Forbidden',
          });
        }
      });
    }
  }

  it('a refused write changes nothing', async () => {
    const id = await seedCredential();
    const viewer = tokens.get('viewer')!;
    expect(
      (await request(t.http()).delete(`/api/v1/credentials/${id}`).set(bearer(viewer))).status,
    ).toBe(403);
    const still = await request(t.http()).get(`/api/v1/credentials/${id}`).set(bearer(viewer));
    expect(still.status).toBe(200);
    expect(bodyOf(still).name).toBe('My OpenAI Key');
  });

  it('keeps full credential permissions for tokens without a permissions claim', async () => {
    const token = t.tokenFor({ workspaceId });
    for (const operation of Object.keys(OPERATIONS) as Operation[]) {
      expect((await perform(operation, token)).status).toBe(OPERATIONS[operation].success);
    }
  });

  it('honours a narrow permissions claim, and refuses a malformed one with 401', async () => {
    const jwt = new JwtService();
    const sign = (permissions: unknown) =>
      jwt.sign(
        { sub: 'cli-user', workspaceId, permissions },
        { secret: t.config.jwtSecret, algorithm: 'HS256', expiresIn: 600 },
      );
    const viewOnly = sign(['credentials:view']);
    expect((await perform('list', viewOnly)).status).toBe(200);
    const refused = await perform('create', viewOnly);
    expect(refused.status).toBe(403);
    expect(messageOf(refused)).toBe('Missing permission credentials:create');
    expect((await perform('list', sign([]))).status).toBe(403);

    const malformed = await perform('list', sign('credentials:view'));
    expect(malformed.status).toBe(401);
    expect(messageOf(malformed)).toBe(
      'Token permissions claim must be an array of permission names',
    );
  });

  it('states the permission of every credentials operation in the OpenAPI document', async () => {
    const doc = (await request(t.http()).get('/api/docs-json')).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const expected: Record<string, string> = {
      'get /api/v1/credentials': 'credentials:view',
      'post /api/v1/credentials': 'credentials:create',
      'get /api/v1/credentials/{id}': 'credentials:view',
      'put /api/v1/credentials/{id}': 'credentials:update',
      'delete /api/v1/credentials/{id}': 'credentials:delete',
    };
    for (const [key, permission] of Object.entries(expected)) {
      const [method, path] = key.split(' ');
      const operation = doc.paths[path][method];
      expect(operation['x-required-permissions']).toEqual([permission]);
      expect(operation.description).toContain(`Requires permission \`${permission}\``);
      expect(operation.summary).toEqual(expect.stringMatching(/\w/));
    }
  });
});

describe('npm run token -- --permissions', () => {
  const script = join(__dirname, '..', '..', 'src', 'cli', 'mint-token.js');
  let dataDir: string;
  let t: TestApp;

  before(async () => {
    t = await createTestApp();
    dataDir = t.dataDir;
  });
  after(async () => {
    await t.close();
    removeDir(dataDir);
  });

  const mint = (...args: string[]) =>
    spawnSync(process.execPath, [script, '--workspace', 'ws-1', ...args], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...childStoreEnv(dataDir) },
      encoding: 'utf8',
    });

  it('mints a narrow token that the API honours, and refuses unknown permissions', async () => {
    const narrow = mint('--permissions', 'credentials:view,credentials:create');
    expect(narrow.status).toBe(0);
    const token = narrow.stdout.trim();
    expect((decode(token) as { permissions: string[] }).permissions).toEqual([
      'credentials:view',
      'credentials:create',
    ]);
    const refused = await request(t.http())
      .delete('/api/v1/credentials/00000000-0000-4000-8000-000000000000')
      .set(bearer(token));
    expect(refused.status).toBe(403);
    expect(messageOf(refused)).toBe('Missing permission credentials:delete');

    const full = mint();
    expect(full.status).toBe(0);
    expect(decode(full.stdout.trim())).not.toHaveProperty('permissions');

    const bad = mint('--permissions', 'credentials:everything');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--permissions takes a comma-separated list of credentials:view/);
  });
});
