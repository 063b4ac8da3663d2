import { expect } from 'expect';
import { describe, it } from 'node:test';
import { InvalidationBus } from '../core/invalidation-bus';
import { ROLE_PERMISSIONS } from '../core/permissions';
import { Principal } from '../core/principal';
import { CredentialsServiceOptions } from '../core/vault-options';
import { AccessTokenRevocations } from './access-token-revocations';

const options = {
  jwtSecret: Buffer.alloc(32),
  accessTokenTtlSeconds: 60,
} as CredentialsServiceOptions;

function token(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 'u1',
    workspaceId: 'ws-1',
    permissions: ROLE_PERMISSIONS.editor,
    via: 'token',
    sessionId: 's1',
    ...overrides,
  };
}

describe('AccessTokenRevocations', () => {
  it('refuses the tokens of ended sessions only', async () => {
    const bus = new InvalidationBus();
    const revocations = new AccessTokenRevocations(options, bus);
    await bus.publish({ type: 'sessions-revoked', sessionIds: ['s1'] });
    expect(revocations.apply(token())).toBeUndefined();
    expect(revocations.apply(token({ sessionId: 's2' }))).toEqual(token({ sessionId: 's2' }));
  });

  it('narrows to the current role, refuses a removed member, and forgets after the token TTL', async () => {
    const bus = new InvalidationBus();
    const revocations = new AccessTokenRevocations(options, bus);
    const change = { type: 'membership-changed', workspaceId: 'ws-1', userId: 'u1' } as const;
    await bus.publish({ ...change, role: 'viewer' });
    expect(revocations.apply(token())?.permissions).toEqual(['credentials:view']);
    expect(revocations.apply(token({ workspaceId: 'ws-2' }))).toEqual(
      token({ workspaceId: 'ws-2' }),
    );
    await bus.publish({ ...change, role: null });
    expect(revocations.apply(token())).toBeUndefined();
    expect(revocations.apply(token(), Date.now() + 61_000)).toEqual(token());
  });

  it('leaves API keys and external tokens to their own checks', async () => {
    const bus = new InvalidationBus();
    const revocations = new AccessTokenRevocations(options, bus);
    await bus.publish({
      type: 'membership-changed',
      workspaceId: 'ws-1',
      userId: 'u1',
      role: null,
    });
    expect(revocations.apply(token({ via: 'api-key' }))).toEqual(token({ via: 'api-key' }));
  });
});
