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
  it('locks an email after its failures, case-insensitively, until the window ends', async () => {
    const t = throttle();
    t.recordFailure('Ada@example.com', '10.0.0.1');
    expect(t.retryAfter('ada@example.com', '10.0.0.2')).toBe(0);
    t.recordFailure('ada@example.com', '10.0.0.2');
    expect(t.retryAfter('ADA@example.com', '10.0.0.3')).toBe(1);
    expect(t.retryAfter('bob@example.com', '10.0.0.3')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(t.retryAfter('ada@example.com', '10.0.0.3')).toBe(0);
  });

  it('locks an address after failures across emails; success clears only the email', () => {
    const t = throttle(60);
    t.recordFailure('a@example.com', '10.0.0.9');
    t.recordSuccess('a@example.com');
    t.recordFailure('b@example.com', '10.0.0.9');
    t.recordFailure('c@example.com', '10.0.0.9');
    expect(t.retryAfter('d@example.com', '10.0.0.9')).toBeGreaterThan(55);
    expect(t.retryAfter(undefined, '10.0.0.9')).toBeGreaterThan(55);
    expect(t.retryAfter('d@example.com', '10.0.0.10')).toBe(0);
  });
});
