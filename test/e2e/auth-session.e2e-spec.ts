import { expect } from 'expect';
import { decode } from 'jsonwebtoken';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createCredentialBody } from './factories';
import {
  bearer,
  bodyOf,
  createUser,
  createWorkspace,
  emailValue,
  identitySuite,
  login,
  LoginBody,
  messageOf,
  passwordValue,
} from './identity';
import { SecretLedger } from './leak-scan';
import { createTestApp, removeDir, TestApp } from './test-app';

describe('Login, refresh, logout, switch-workspace, me, password', () => {
  let t: TestApp;
  const ledger = identitySuite((testApp) => (t = testApp));

  const api = () => request(t.http());

  /** A signed-in owner; every password and token it yields is added to the log scan. */
  async function signedIn(role: 'owner' | 'viewer' = 'owner') {
    const { workspaceId, owner } = await createWorkspace(t, 'Alpha');
    const user = role === 'owner' ? owner : await createUser(t, { workspaceId, role });
    ledger.add(user.password);
    return { workspaceId, user, session: track(await login(t, user)) };
  }

  function track(body: LoginBody): LoginBody {
    ledger.add(body.accessToken);
    ledger.add(body.refreshToken);
    return body;
  }

  it('logs in: a bearer pair, the user, the workspace, the role and its permissions', async () => {
    const { workspaceId, user, session } = await signedIn();
    expect(Object.keys(session).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'permissions',
      'refreshToken',
      'tokenType',
      'user',
      'workspace',
    ]);
    expect(session).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { id: user.id, email: user.email },
      workspace: { id: workspaceId, name: 'Alpha', role: 'owner' },
    });
    expect(session.permissions).toContain('workspace:delete');
    expect(session.refreshToken).toMatch(/^cvr_[A-Za-z0-9_-]{43}$/);
    const claims = decode(session.accessToken) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: user.id, workspaceId, permissions: session.permissions });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);

    const created = await api()
      .post('/api/v1/credentials')
      .set(bearer(session.accessToken))
      .send(createCredentialBody());
    expect(created.status).toBe(201);
    expect(bodyOf(created).workspaceId).toBe(workspaceId);
  });

  it('answers a wrong password and an unknown email alike: 401, same body, same time profile', async () => {
    const { user } = await signedIn();
    const attempt = async (email: string) => {
      const started = process.hrtime.bigint();
      const response = await api()
        .post('/api/v1/auth/login')
        .send({ email, password: ledger.add(passwordValue()) });
      return { response, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    // Alternating, three of each; the medians are compared.
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [email, times] of [
        [user.email, wrong],
        [emailValue('nobody'), unknown],
      ] as const) {
        const { response, ms } = await attempt(email);
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          statusCode: 401,
          message: 'Invalid email or password',
          error: 'Unauthorized',
        });
        times.push(ms);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    // Both run one scrypt verification (tens to hundreds of ms); an early return for unknown
    // emails would take about 1 ms.
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it('matches emails case-insensitively', async () => {
    const { user } = await signedIn();
    const body = await login(t, { email: user.email.toUpperCase(), password: user.password });
    expect(track(body).user.id).toBe(user.id);
  });

  it('refuses malformed bodies with 400 and changes nothing', async () => {
    for (const body of [
      {},
      { email: 'a@example.com' },
      { email: 1, password: 'x' },
      { email: 'a@b.c', password: 'p', extra: 1 },
    ]) {
      const response = await api().post('/api/v1/auth/login').send(body);
      expect(response.status).toBe(400);
      expect(bodyOf(response).error).toBe('Bad Request');
    }
    expect((await api().post('/api/v1/auth/refresh').send({})).status).toBe(400);
  });

  it('signs in to a chosen workspace, and refuses one the user is not in with 404', async () => {
    const { user, workspaceId } = await signedIn();
    const other = await createWorkspace(t, 'Beta');
    const body = await login(t, user, workspaceId);
    expect(track(body).workspace.id).toBe(workspaceId);
    const response = await api()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, workspaceId: other.workspaceId });
    expect(response.status).toBe(404);
    expect(messageOf(response)).toBe(`Workspace ${other.workspaceId} not found`);
  });

  it('tells a user without any workspace to ask for one (404)', async () => {
    const loner = await createUser(t);
    ledger.add(loner.password);
    const response = await api()
      .post('/api/v1/auth/login')
      .send({ email: loner.email, password: loner.password });
    expect(response.status).toBe(404);
    expect(messageOf(response)).toMatch(/not a member of any workspace/);
  });

  it('rotates refresh tokens, and a reused one revokes the whole session', async () => {
    const { session } = await signedIn();
    const first = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect(first.status).toBe(200);
    const rotated = track(first.body as LoginBody);
    // Compared as booleans, so a failure report never prints a token.
    expect(rotated.refreshToken === session.refreshToken).toBe(false);
    expect(rotated.accessToken === session.accessToken).toBe(false);
    expect(rotated.workspace).toEqual(session.workspace);

    const second = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: rotated.refreshToken });
    expect(second.status).toBe(200);
    const latest = track(second.body as LoginBody);

    // The first token again: a replay. Its family, including the latest token, is revoked.
    const replay = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect(replay.status).toBe(401);
    expect(messageOf(replay)).toBe('Refresh token already used; the session was revoked');
    const afterReplay = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: latest.refreshToken });
    expect(afterReplay.status).toBe(401);
    expect(messageOf(afterReplay)).toBe('Invalid refresh token');
    expect(t.logs.lines.some((l) => l.includes('Refresh token reuse'))).toBe(true);
  });

  it('lets two concurrent refreshes of one token succeed at most once', async () => {
    const { session } = await signedIn();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        api().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
      ),
    );
    results.filter((r) => r.status === 200).forEach((r) => track(r.body as LoginBody));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an unknown refresh token; logout revokes the session (204, idempotent)', async () => {
    const { session } = await signedIn();
    const unknown = await api().post('/api/v1/auth/refresh').send({ refreshToken: 'cvr_nope' });
    expect(unknown.status).toBe(401);
    expect(messageOf(unknown)).toBe('Invalid refresh token');

    expect(
      (await api().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken })).status,
    ).toBe(204);
    expect(
      (await api().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken })).status,
    ).toBe(204);
    const refreshed = await api()
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(401);
  });

  it('GET /auth/me returns the login body without tokens', async () => {
    const { session } = await signedIn('viewer');
    const me = await api().get('/api/v1/auth/me').set(bearer(session.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: session.user,
      workspace: session.workspace,
      permissions: ['credentials:view'],
    });
    expect((await api().get('/api/v1/auth/me')).status).toBe(401);
    const cliToken = await api()
      .get('/api/v1/auth/me')
      .set(bearer(t.tokenFor({ workspaceId: session.workspace.id })));
    expect(cliToken.status).toBe(403);
  });

  it('switches workspace: a new pair for a workspace of mine, 404 for any other', async () => {
    const { session, user } = await signedIn();
    const beta = await createWorkspace(t, 'Beta');
    const gamma = await createWorkspace(t, 'Gamma');
    await createUser(t, { workspaceId: beta.workspaceId, role: 'viewer' }).then(() => undefined);
    const { WorkspaceService } = await import('../../src/workspace/workspace.service');
    const { UsersService } = await import('../../src/users/users.service');
    const me = await t.app.get(UsersService).getById(user.id);
    await t.app.get(WorkspaceService).addMember(beta.workspaceId, me, 'editor');

    const switched = await api()
      .post('/api/v1/auth/switch-workspace')
      .set(bearer(session.accessToken))
      .send({ workspaceId: beta.workspaceId });
    expect(switched.status).toBe(200);
    const body = track(switched.body as LoginBody);
    expect(body.workspace).toEqual({ id: beta.workspaceId, name: 'Beta', role: 'editor' });
    expect(body.permissions).toEqual([
      'credentials:view',
      'credentials:create',
      'credentials:update',
    ]);
    const me2 = await api().get('/api/v1/auth/me').set(bearer(body.accessToken));
    expect(bodyOf<LoginBody>(me2).workspace.id).toBe(beta.workspaceId);

    for (const workspaceId of [gamma.workspaceId, '00000000-0000-4000-8000-000000000000']) {
      const refused = await api()
        .post('/api/v1/auth/switch-workspace')
        .set(bearer(session.accessToken))
        .send({ workspaceId });
      expect(refused.status).toBe(404);
      expect(messageOf(refused)).toBe(`Workspace ${workspaceId} not found`);
    }
  });

  it('changes the password: the current one is required, and every session ends', async () => {
    const { session, user } = await signedIn();
    const next = ledger.add(passwordValue());
    const wrong = await api()
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: ledger.add(passwordValue()), newPassword: next });
    expect(wrong.status).toBe(403);
    expect(messageOf(wrong)).toBe('Current password is incorrect');
    const short = await api()
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: user.password, newPassword: 'short' });
    expect(short.status).toBe(400);

    const changed = await api()
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: user.password, newPassword: next });
    expect(changed.status).toBe(204);
    expect(
      (await api().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }))
        .status,
    ).toBe(401);
    const old = await api()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password });
    expect(old.status).toBe(401);
    track(await login(t, { email: user.email, password: next }));
  });
});

describe('Login throttling', () => {
  let t: TestApp;
  const ledger = new SecretLedger();

  before(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
    });
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  it('answers 429 with Retry-After after repeated failures per email, then per address', async () => {
    const { owner } = await createWorkspace(t);
    ledger.add(owner.password);
    const attempt = (email: string, password: string) =>
      request(t.http()).post('/api/v1/auth/login').send({ email, password });

    for (let i = 0; i < 3; i++) {
      expect((await attempt(owner.email, ledger.add(passwordValue()))).status).toBe(401);
    }
    // Locked: even the right password waits now.
    const locked = await attempt(owner.email.toUpperCase(), owner.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      statusCode: 429,
      message: expect.stringMatching(/^Too many failed logins; try again in \d+ seconds$/),
      error: 'Too Many Requests',
    });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);

    // Other emails from the same address: 3 more failures reach the address limit (6).
    for (let i = 0; i < 3; i++) {
      expect((await attempt(emailValue('spray'), ledger.add(passwordValue()))).status).toBe(401);
    }
    const sprayed = await attempt(emailValue('spray'), ledger.add(passwordValue()));
    expect(sprayed.status).toBe(429);
    expect(Number(sprayed.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('JWT_ACCESS_TTL', () => {
  it('sets the lifetime of the access tokens that login issues', async () => {
    const t = await createTestApp({ JWT_ACCESS_TTL: '2m' });
    try {
      const { owner } = await createWorkspace(t);
      const session = await login(t, owner);
      expect(session.expiresIn).toBe(120);
      const claims = decode(session.accessToken) as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(120);
      const ledger = new SecretLedger();
      [owner.password, session.accessToken, session.refreshToken].forEach((s) => ledger.add(s));
      ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });
});
