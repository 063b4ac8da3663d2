import { createHmac } from 'node:crypto';
import { StoredResponse } from './idempotency.service';

/** Metadata: the route's `IdempotencyRecovery` provider, if its writes can be recovered. */
export const IDEMPOTENCY_RECOVERY = 'vault:idempotency-recovery';

/**
 * How a route makes its keyed writes recoverable: a create under an `Idempotency-Key` writes under
 * an id derived from the key, so that when its process dies between the write and keeping the
 * answer, a retry (once the claim counts as abandoned) finds the write instead of repeating it.
 * The route's own module implements it (the idempotency module knows no feature).
 */
export interface IdempotencyRecovery {
  /** Gives the request the derived id, unless the client chose one; whether it did. */
  prepare(request: { body?: unknown }, derivedId: string): boolean;
  /** The answer a first attempt would have given, when its write under this id exists. */
  recover(workspaceId: string, derivedId: string): Promise<StoredResponse | undefined>;
}

/**
 * A UUID (version 4 layout) derived from the workspace, the key and the request's fingerprint with
 * the server's secret: the same for every retry of one request, different across workspaces, keys
 * and bodies (a key reused after it expired, with another body, is a new create), unguessable
 * without the secret.
 */
export function derivedIdOf(
  secret: Buffer,
  workspaceId: string,
  key: string,
  fingerprint: string,
): string {
  const bytes = createHmac('sha256', secret)
    .update(`idempotent-create\0${workspaceId}\0${key}\0${fingerprint}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
