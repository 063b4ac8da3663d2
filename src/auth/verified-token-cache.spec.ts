import { expect } from 'expect';
import { describe, it } from 'node:test';
import { Principal } from '../core/principal';
import { VerifiedTokenCache } from './verified-token-cache';

const principal: Principal = {
  userId: 'u',
  workspaceId: 'ws',
  permissions: ['credentials:view'],
  via: 'token',
};
const tokenWith = (claims: object): string =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

describe('VerifiedTokenCache', () => {
  it('answers for a remembered token until the millisecond its exp is reached', () => {
    const cache = new VerifiedTokenCache();
    const token = tokenWith({ exp: 2_000 });
    cache.remember(token, principal);
    expect(cache.get(token, 1_999_999)).toBe(principal);
    expect(cache.get(token, 2_000_000)).toBeUndefined();
    expect(cache.get(token, 1_000_000)).toBeUndefined(); // dropped, not just hidden
  });

  it('knows only the exact token string it was given', () => {
    const cache = new VerifiedTokenCache();
    const token = tokenWith({ exp: 2_000 });
    cache.remember(token, principal);
    expect(cache.get(`${token}x`, 0)).toBeUndefined();
    expect(cache.get(token.slice(0, -1), 0)).toBeUndefined();
  });

  it('keeps no token whose exp it cannot read', () => {
    const cache = new VerifiedTokenCache();
    for (const token of [tokenWith({}), tokenWith({ exp: '2000' }), 'not.a-token', 'garbage']) {
      cache.remember(token, principal);
      expect(cache.get(token, 0)).toBeUndefined();
    }
  });

  it('starts over instead of growing past its bound', () => {
    const cache = new VerifiedTokenCache();
    const first = tokenWith({ exp: 2_000, n: -1 });
    cache.remember(first, principal);
    for (let n = 0; n < 10_000; n++) {
      cache.remember(tokenWith({ exp: 2_000, n }), principal);
    }
    expect(cache.get(first, 0)).toBeUndefined();
    expect(cache.get(tokenWith({ exp: 2_000, n: 9_999 }), 0)).toBe(principal);
  });
});
