import { expect } from 'expect';
import { describe, it } from 'node:test';
import { LoginThrottleService } from './login-throttle.service';

function throttle(windowSeconds = 1): LoginThrottleService {
  return new LoginThrottleService({
    jwtSecret: Buffer.alloc(32),
    loginThrottle: { maxFailuresPerEmail: 2, maxFailuresPerAddress: 3, windowSeconds },
  });
}

describe('LoginThrottleService', () => {
  it('locks an email after its attempts, case-insensitively, until the window ends', async () => {
    const t = throttle();
    expect(await t.attempt('Ada@example.com', '10.0.0.1')).toBe(0);
    expect(await t.attempt('ada@example.com', '10.0.0.2')).toBe(0);
    expect(await t.attempt('ADA@example.com', '10.0.0.3')).toBe(1);
    expect(await t.attempt('bob@example.com', '10.0.0.3')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(await t.attempt('ada@example.com', '10.0.0.3')).toBe(0);
  });

  it('locks an address across emails; a success clears its email and returns its attempt', async () => {
    const t = throttle(60);
    expect(await t.attempt('a@example.com', '10.0.0.9')).toBe(0);
    await t.recordSuccess('a@example.com', '10.0.0.9');
    expect(await t.attempt('b@example.com', '10.0.0.9')).toBe(0);
    expect(await t.attempt('c@example.com', '10.0.0.9')).toBe(0);
    expect(await t.attempt('e@example.com', '10.0.0.9')).toBe(0);
    expect(await t.attempt('d@example.com', '10.0.0.9')).toBeGreaterThan(55);
    expect(await t.attempt('d@example.com', '10.0.0.10')).toBe(0);
  });

  it('counts parallel attempts before any completes: only the budget gets through', async () => {
    const t = throttle(60);
    const waits = await Promise.all(
      Array.from({ length: 30 }, (_, i) => t.attempt('ada@example.com', `10.0.1.${i}`)),
    );
    expect(waits.filter((wait) => wait === 0)).toHaveLength(2);
  });
});
