import type { HostPrincipal, Permission } from 'credential-vault';
import type { HostRequest } from './host-auth.guard';

const EDITOR: Permission[] = [
  'credentials:view',
  'credentials:create',
  'credentials:update',
  'credentials:delete',
];
const VIEWER: Permission[] = ['credentials:view'];

/** The vault's `resolvePrincipal`: the host's user (set by its guard) as a vault principal. */
export function resolvePrincipal(request: HostRequest): HostPrincipal | undefined {
  const user = request.user;
  return (
    user && {
      subject: user.id,
      workspaceId: user.tenant,
      permissions: user.role === 'editor' ? EDITOR : VIEWER,
    }
  );
}
