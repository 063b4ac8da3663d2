import { expect } from 'expect';
import { describe, it } from 'node:test';
import { idempotencyKeyOf, requestFingerprint } from './idempotency-key';

describe('idempotencyKeyOf', () => {
  it('takes a Structured Field string or a bare key', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('"8e03978e-40d5"')).toBe('8e03978e-40d5');
    expect(idempotencyKeyOf('"a \\"quoted\\" \\\\ key"')).toBe('a "quoted" \\ key');
    expect(idempotencyKeyOf('bare key 1')).toBe('bare key 1');
    expect(idempotencyKeyOf('x'.repeat(255))).toHaveLength(255);
  });

  it('refuses empty, long, non-ASCII, control characters and repeated headers', () => {
    for (const bad of ['', '""', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      expect(() => idempotencyKeyOf(bad)).toThrow(
        'Idempotency-Key must be 1-255 printable ASCII characters',
      );
    }
    expect(() => idempotencyKeyOf(['a', 'b'])).toThrow('Send one Idempotency-Key header');
  });
});

describe('requestFingerprint', () => {
  const key = Buffer.alloc(32, 7);
  const of = (body: unknown, path = '/api/v1/credentials', method = 'POST') =>
    requestFingerprint(key, { method, path, body });

  it('ignores key order, but not values, paths, methods or the key', () => {
    expect(of({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      of({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
    expect(of({ a: 1 })).not.toBe(of({ a: 2 }));
    expect(of({ a: 1 })).not.toBe(of({ a: 1 }, '/api/v1/credentials/x'));
    expect(of({ a: 1 })).not.toBe(of({ a: 1 }, '/api/v1/credentials', 'PUT'));
    expect(
      requestFingerprint(Buffer.alloc(32, 8), { method: 'POST', path: '/', body: {} }),
    ).not.toBe(of({}, '/'));
  });

  it('holds no part of the body', () => {
    expect(of({ secret: 'sk-very-secret' })).toMatch(/^[0-9a-f]{64}$/);
  });
});
