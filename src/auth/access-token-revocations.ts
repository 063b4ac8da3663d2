import { Inject, Injectable } from '@nestjs/common';
import { InvalidationBus, InvalidationEvent, InvalidationListener } from '../core/invalidation-bus';
import { Permission, Role, ROLE_PERMISSIONS } from '../core/permissions';
import { Principal } from '../core/principal';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';

/** Bounded like the token cache: beyond this, the oldest entries go first. */
const MAX_ENTRIES = 100_000;

interface MemberState {
  /** The member's role now; `null` once removed. */
  role: Role | null;
  /** After this (epoch ms) every token issued before the change has expired. */
  until: number;
}

/**
 * What happened to access tokens since they were signed, in memory, so authorising a request
 * still needs no database lookup: sessions ended (logout, refresh reuse, password change) and
 * members removed or given another role. Fed by the invalidation bus (every replica, within a
 * second; at start, the log's events of the last token lifetime), and forgotten once every token
 * it could concern has expired.
 */
@Injectable()
export class AccessTokenRevocations implements InvalidationListener {
  private readonly ttlMs: number;
  private readonly sessions = new Map<string, number>();
  private readonly members = new Map<string, MemberState>();

  constructor(@Inject(VAULT_OPTIONS) options: CredentialsServiceOptions, bus: InvalidationBus) {
    this.ttlMs = (options.accessTokenTtlSeconds ?? 900) * 1000;
    bus.subscribe(this);
  }

  onInvalidation(event: InvalidationEvent): void {
    const until = Date.now() + this.ttlMs;
    if (event.type === 'sessions-revoked') {
      for (const sessionId of event.sessionIds) {
        remember(this.sessions, sessionId, until);
      }
    } else if (event.type === 'membership-changed') {
      remember(this.members, memberKey(event.workspaceId, event.userId), {
        role: event.role,
        until,
      });
    }
  }

  /**
   * The principal as it stands now: `undefined` when its session ended or it is no longer a
   * member, its permissions narrowed to its current role after a role change.
   */
  apply(principal: Principal, now = Date.now()): Principal | undefined {
    if (principal.via !== 'token') {
      return principal;
    }
    if (principal.sessionId !== undefined) {
      const until = this.sessions.get(principal.sessionId);
      if (until !== undefined && until > now) {
        return undefined;
      }
    }
    const state = this.members.get(memberKey(principal.workspaceId, principal.userId));
    if (state === undefined || state.until <= now) {
      return principal;
    }
    if (state.role === null) {
      return undefined;
    }
    const allowed = new Set<Permission>(ROLE_PERMISSIONS[state.role]);
    const permissions = principal.permissions.filter((p) => allowed.has(p));
    return permissions.length === principal.permissions.length
      ? principal
      : { ...principal, permissions };
  }
}

function memberKey(workspaceId: string, userId: string): string {
  return `${workspaceId}\n${userId}`;
}

/** Re-inserted, so the Map's order stays oldest-first and the oldest entry goes when full. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) {
      map.delete(oldest.value);
    }
  }
  map.set(key, value);
}
