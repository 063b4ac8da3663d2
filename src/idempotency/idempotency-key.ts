import { BadRequestException } from '@nestjs/common';
import { createHmac } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * The key of an `Idempotency-Key` header, or undefined without one. The draft makes it a
 * Structured Field string (`"abc"`); a bare token is accepted too, as most clients send one.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  if (Array.isArray(header)) {
    throw new BadRequestException('Send one Idempotency-Key header');
  }
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header;
  if (!KEY_PATTERN.test(key)) {
    throw new BadRequestException('Idempotency-Key must be 1-255 printable ASCII characters');
  }
  return key;
}

/**
 * A keyed hash of what makes two requests the same: method, path and body with its keys sorted.
 * Keyed, because the body holds secrets that a bare hash would let a database reader guess at.
 */
export function requestFingerprint(
  hmacKey: Buffer,
  request: { method: string; path: string; body: unknown },
): string {
  return createHmac('sha256', hmacKey)
    .update(`${request.method}\n${request.path}\n${canonicalJson(request.body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
