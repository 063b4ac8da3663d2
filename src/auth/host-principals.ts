import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { isPermission } from '../core/permissions';
import { isClaimString, Principal } from '../core/principal';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';

/**
 * The host's own authentication, through the `resolvePrincipal` option: what the host says about
 * the caller is checked like a token's claims (the workspace id's rules, known permissions only).
 */
@Injectable()
export class HostPrincipals {
  constructor(@Inject(VAULT_OPTIONS) private readonly options: CredentialsServiceOptions) {}

  /** The caller the host identified, or undefined when the host has no say (or no opinion). */
  async resolve(request: unknown): Promise<Principal | undefined> {
    if (!this.options.resolvePrincipal) {
      return undefined;
    }
    const resolved = await this.options.resolvePrincipal(request);
    if (resolved === undefined || resolved === null) {
      return undefined;
    }
    if (!isClaimString(resolved.subject)) {
      throw new UnauthorizedException('resolvePrincipal returned no subject');
    }
    if (!isClaimString(resolved.workspaceId) || !isWorkspaceId(resolved.workspaceId)) {
      throw new UnauthorizedException(
        `resolvePrincipal's workspaceId must be ${WORKSPACE_ID_RULE}`,
      );
    }
    if (!Array.isArray(resolved.permissions)) {
      throw new UnauthorizedException('resolvePrincipal returned no permissions array');
    }
    return {
      userId: resolved.subject,
      workspaceId: resolved.workspaceId,
      permissions: (resolved.permissions as readonly unknown[]).filter(isPermission),
      via: 'host',
    };
  }
}
