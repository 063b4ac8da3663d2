import { createHmac, KeyObject } from 'node:crypto';
import type { AuditEventEntity } from './audit-event.entity';

/** Bumped if the canonical form ever changes, so old events still verify under their version. */
const CANONICAL_VERSION = 'audit-v1';

/**
 * The MAC of an event: every column in a fixed order, as JSON (unambiguous), chained to the
 * previous event by `prevMac`. `seq` is left out on purpose: the chain itself says the order, so
 * a renumbered row still verifies alone and the link that broke tells a reorder from an edit.
 */
export function eventMac(key: KeyObject, event: Omit<AuditEventEntity, 'seq' | 'mac'>): string {
  return hmac(key, [
    CANONICAL_VERSION,
    event.id,
    event.occurredAt,
    event.workspaceId,
    event.action,
    event.actorType,
    event.actorId,
    event.targetType,
    event.targetId,
    event.targetName,
    event.targetCredentialName,
    event.outcome,
    event.details,
    event.requestId,
    event.sourceAddress,
    event.userAgent,
    event.prevMac,
  ]);
}

/** Signs the chain's head or anchor: a position and the MAC there, in its own domain. */
export function positionSignature(
  key: KeyObject,
  kind: 'head' | 'anchor',
  seq: number,
  mac: string,
): string {
  return hmac(key, [CANONICAL_VERSION, kind, seq, mac]);
}

function hmac(key: KeyObject, fields: unknown[]): string {
  return createHmac('sha256', key).update(JSON.stringify(fields), 'utf8').digest('hex');
}
