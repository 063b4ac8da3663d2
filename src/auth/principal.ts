import type { Permission } from './permissions';

/** Who is calling, as established by a verified token. Attached to the request as `user`. */
export interface Principal {
  readonly userId: string;
  readonly workspaceId: string;
  /** What the token or API key allows in `workspaceId`. */
  readonly permissions: readonly Permission[];
  /** `token`: one of our HS256 tokens; `api-key`: a workspace API key; `external`: an IdP token. */
  readonly via: 'token' | 'api-key' | 'external';
}
