import type { Permission } from './permissions';

/** Who is calling, as established by a verified token. Attached to the request as `user`. */
export interface Principal {
  readonly userId: string;
  readonly workspaceId: string;
  /** What the token or API key allows in `workspaceId`. */
  readonly permissions: readonly Permission[];
  /** `token`: our HS256 token; `api-key`: a workspace API key; `external`: an IdP token; `host`: `resolvePrincipal`. */
  readonly via: 'token' | 'api-key' | 'external' | 'host';
  /** The sign-in session (refresh family) an access token belongs to, so logout can end it. */
  readonly sessionId?: string;
}

/** A claim usable as an id (`sub`, `workspaceId`): a non-empty string that fits its column. */
export function isClaimString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 255;
}
