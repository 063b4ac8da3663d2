import type { Permission } from './permissions';

/** Who the host says is calling, as `resolvePrincipal` returns it. */
export interface HostPrincipal {
  /** The host's id for the caller (a user id, a service name). */
  subject: string;
  /** The vault workspace the request acts in. */
  workspaceId: string;
  /** What the caller may do there; names this version does not know are ignored. */
  permissions: readonly Permission[] | readonly string[];
}
