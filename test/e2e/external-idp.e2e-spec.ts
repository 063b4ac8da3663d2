import { expect } from 'expect';
import { exportJWK, exportSPKI, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';
import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { loadConfig } from '../../src/config/config';
import { createCredentialBody } from './factories';
import { bearer, bodyOf, messageOf } from './identity';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'credential-vault';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

/** A JWKS endpoint on 127.0.0.1 that counts its fetches; the test chooses which keys it serves. */
class LocalJwksServer {
  fetches = 0;
  keys: JWK[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.fetches++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

describe('External identity provider (JWKS)', () => {
  let t: TestApp;
  const jwks = new LocalJwksServer();
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  let first: SigningKey;

  before(async () => {
    first = await signingKey('RS256', 'key-1');
    jwks.keys = [first.jwk];
    const url = await jwks.start();
    t = await createTestApp({
      JWT_JWKS_URL: url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_JWKS_COOLDOWN_SECONDS: '1',
    });
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
    await jwks.stop();
  });

  async function tokenFrom(
    key: SigningKey,
    claims: JWTPayload = {},
    options: { expiresIn?: string } = {},
  ) {
    const { iss = ISSUER, aud = AUDIENCE, ...rest } = claims;
    const token = await new SignJWT({ workspaceId, ...rest })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setSubject('idp-user-1')
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key.privateKey);
    return ledger.add(token);
  }

  const list = (token: string) => request(t.http()).get('/api/v1/credentials').set(bearer(token));
  const create = (token: string) =>
    request(t.http()).post('/api/v1/credentials').set(bearer(token)).send(createCredentialBody());

  it('accepts a provider token: its workspace, and credentials:view only without a permissions claim', async () => {
    const token = await tokenFrom(first);
    expect((await list(token)).status).toBe(200);
    const refused = await create(token);
    expect(refused.status).toBe(403);
    expect(messageOf(refused)).toBe('Missing permission credentials:create');

    const writer = await tokenFrom(first, {
      permissions: ['credentials:view', 'credentials:create'],
    });
    const created = await create(writer);
    expect(created.status).toBe(201);
    expect(bodyOf(created).workspaceId).toBe(workspaceId);
    // Provider tokens name no user of ours: no user endpoints.
    expect((await request(t.http()).get('/api/v1/auth/me').set(bearer(writer))).status).toBe(403);
  });

  it('checks issuer, audience, expiry and the workspace claim on every token', async () => {
    const cases: [string, Promise<string>, RegExp][] = [
      ['wrong issuer', tokenFrom(first, { iss: 'https://evil.example.com/' }), /iss/],
      ['wrong audience', tokenFrom(first, { aud: 'another-service' }), /aud/],
      ['expired', tokenFrom(first, {}, { expiresIn: '-2m' }), /^Token expired$/],
      [
        'no workspace',
        tokenFrom(first, { workspaceId: undefined }),
        /^Token has no workspaceId claim$/,
      ],
    ];
    for (const [label, tokenPromise, message] of cases) {
      const response = await list(await tokenPromise);
      expect({ label, status: response.status }).toEqual({ label, status: 401 });
      expect(messageOf(response)).toMatch(message);
    }
    const noExp = ledger.add(
      await new SignJWT({ workspaceId })
        .setProtectedHeader({ alg: 'RS256', kid: first.kid })
        .setSubject('u')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .sign(first.privateKey),
    );
    const refused = await list(noExp);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toMatch(/exp/);
  });

  it('refuses algorithm confusion: HS256 signed with the public key as its secret, and alg none', async () => {
    const pem = await exportSPKI(first.publicKey);
    const confused = ledger.add(
      await new SignJWT({ workspaceId, permissions: ['credentials:delete'] })
        .setProtectedHeader({ alg: 'HS256', kid: first.kid })
        .setSubject('attacker')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(pem)),
    );
    const response = await list(confused);
    expect(response.status).toBe(401);
    expect(messageOf(response)).toBe('Invalid token: invalid signature');

    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${encode({ alg: 'none' })}.${encode({ sub: 'x', workspaceId, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    expect((await list(none)).status).toBe(401);
  });

  it('refuses an algorithm off the allow-list and a key that is not the provider’s', async () => {
    const ec = await signingKey('ES256', 'ec-1');
    jwks.keys = [first.jwk, ec.jwk];
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await list(await tokenFrom(ec));
    expect(response.status).toBe(401);
    expect(messageOf(response)).toBe(
      'Invalid token: its algorithm is not allowed (JWT_ALGORITHMS)',
    );

    const impostor = await signingKey('RS256', first.kid);
    const forged = await list(await tokenFrom(impostor));
    expect(forged.status).toBe(401);
    expect(messageOf(forged)).toBe('Invalid token: invalid signature');
    jwks.keys = [first.jwk];
  });

  it('follows key rotation (new kid), refetching at most once per cooldown', async () => {
    const second = await signingKey('RS256', 'key-2');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = jwks.fetches;
    // Unknown kids in a burst: at most one refetch, however many tokens.
    const stranger = await signingKey('RS256', 'unknown');
    const strangers = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => tokenFrom({ ...stranger, kid: `unknown-${i}` })),
    );
    // Concurrently, so the whole burst falls inside one cooldown even on a slow machine.
    const responses = await Promise.all(strangers.map((token) => list(token)));
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(messageOf(response)).toBe(
        'Invalid token: no key of the identity provider matches its kid',
      );
    }
    expect(jwks.fetches - before).toBeLessThanOrEqual(1);

    jwks.keys = [first.jwk, second.jwk];
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fetchesBeforeRotation = jwks.fetches;
    expect((await list(await tokenFrom(second))).status).toBe(200);
    expect(jwks.fetches).toBe(fetchesBeforeRotation + 1);
    expect((await list(await tokenFrom(first))).status).toBe(200);
    expect(jwks.fetches).toBe(fetchesBeforeRotation + 1);
  });

  it('keeps HS256 tokens of our own working alongside', async () => {
    expect((await list(ledger.add(t.tokenFor({ workspaceId })))).status).toBe(200);
    const bad = await list(ledger.add(`${t.tokenFor({ workspaceId }).slice(0, -4)}AAAA`));
    expect(bad.status).toBe(401);
  });
});

describe('External identity provider (one PEM key, EdDSA, custom claims)', () => {
  let t: TestApp;
  let key: SigningKey;
  const ledger = new SecretLedger();

  before(async () => {
    key = await signingKey('EdDSA', 'ed-1');
    t = await createTestApp({
      JWT_PUBLIC_KEY: (await exportSPKI(key.publicKey)).replace(/\n/g, '\\n'),
      JWT_ALGORITHMS: 'EdDSA',
      JWT_WORKSPACE_CLAIM: 'org',
      JWT_PERMISSIONS_CLAIM: 'scope',
      JWT_DEFAULT_PERMISSIONS: 'credentials:view,credentials:create',
    });
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  const sign = async (signer: SigningKey, claims: JWTPayload) =>
    ledger.add(
      await new SignJWT(claims)
        .setProtectedHeader({ alg: signer.alg })
        .setSubject('idp-user-2')
        .setExpirationTime('5m')
        .sign(signer.privateKey),
    );
  const create = (token: string) =>
    request(t.http()).post('/api/v1/credentials').set(bearer(token)).send(createCredentialBody());

  it('reads the configured claims and default permissions, and only the configured algorithm', async () => {
    const org = randomWorkspaceId();
    const created = await create(await sign(key, { org }));
    expect(created.status).toBe(201);
    expect(bodyOf(created).workspaceId).toBe(org);

    const scoped = await create(await sign(key, { org, scope: 'credentials:view' }));
    expect(scoped.status).toBe(403);
    const noOrg = await create(await sign(key, { workspaceId: org }));
    expect(noOrg.status).toBe(401);
    expect(messageOf(noOrg)).toBe('Token has no org claim');

    const rsa = await signingKey('RS256', 'rsa');
    const wrongAlg = await create(await sign(rsa, { org }));
    expect(wrongAlg.status).toBe(401);
    expect(messageOf(wrongAlg)).toBe(
      'Invalid token: its algorithm is not allowed (JWT_ALGORITHMS)',
    );
  });
});

describe('External identity provider configuration', () => {
  it('refuses unsafe or ambiguous settings, naming the variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
    const pem = await exportSPKI((await signingKey('RS256', 'k')).publicKey);
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: dir, ...env });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    try {
      expect(attempt({ JWT_ISSUER: ISSUER })).toContain(
        'JWT_ISSUER needs JWT_JWKS_URL or JWT_PUBLIC_KEY',
      );
      expect(
        attempt({ JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_PUBLIC_KEY: pem }),
      ).toContain('Set JWT_JWKS_URL or JWT_PUBLIC_KEY, not both');
      expect(attempt({ JWT_JWKS_URL: 'http://idp.example.com/jwks' })).toContain(
        'JWT_JWKS_URL must be an https URL',
      );
      expect(
        attempt({ JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_ALGORITHMS: 'HS256' }),
      ).toContain('JWT_ALGORITHMS must be a comma-separated list of RS256, ES256, EdDSA');
      const badPem = attempt({ JWT_PUBLIC_KEY: 'not-a-key-at-all' });
      expect(badPem).toContain('JWT_PUBLIC_KEY must be a PEM public key');
      expect(badPem).not.toContain('not-a-key-at-all');
      const ok = loadConfig({ DATA_DIR: dir, JWT_JWKS_URL: 'https://idp.example.com/jwks' });
      expect(ok.externalIdp).toMatchObject({
        algorithms: ['RS256'],
        workspaceClaim: 'workspaceId',
        permissionsClaim: 'permissions',
        defaultPermissions: ['credentials:view'],
      });
    } finally {
      removeDir(dir);
    }
  });
});
