import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { CREDENTIAL_PERMISSIONS, isPermission, Permission } from '../core/permissions';
import { isClaimString, Principal } from '../core/principal';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';

/** Passport's strategy registry is global to the process, so the name is ours alone. */
export const JWT_STRATEGY = 'credentials-jwt';

interface TokenClaims {
  sub?: unknown;
  workspaceId?: unknown;
  exp?: unknown;
  permissions?: unknown;
  sid?: unknown;
}

/**
 * Verifies HS256 bearer tokens. The token is the authority for the workspace: no database
 * lookup per request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(@Inject(VAULT_OPTIONS) options: CredentialsServiceOptions) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not a string: given a string, jsonwebtoken first tries it as a PEM public
      // key and throws and catches on every request (measured: 11 000 -> 1 800 requests/s).
      // jsonwebtoken accepts a KeyObject; passport-jwt's types only predate it.
      secretOrKey: createSecretKey(options.jwtSecret) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: TokenClaims): Principal {
    if (!isClaimString(claims.workspaceId)) {
      throw new UnauthorizedException('Token has no workspaceId claim');
    }
    if (!isWorkspaceId(claims.workspaceId)) {
      throw new UnauthorizedException(`Token workspaceId claim must be ${WORKSPACE_ID_RULE}`);
    }
    if (!isClaimString(claims.sub)) {
      throw new UnauthorizedException('Token has no sub (user id) claim');
    }
    if (typeof claims.exp !== 'number') {
      throw new UnauthorizedException('Token has no exp claim: tokens must expire');
    }
    return {
      userId: claims.sub,
      workspaceId: claims.workspaceId,
      permissions: permissionsOf(claims.permissions),
      via: 'token',
      ...(isClaimString(claims.sid) ? { sessionId: claims.sid } : {}),
    };
  }
}

/**
 * A token without the claim (minted by `npm run token`) keeps full credential permissions in
 * its workspace; names this version does not know are ignored.
 */
function permissionsOf(claim: unknown): readonly Permission[] {
  if (claim === undefined) {
    return CREDENTIAL_PERMISSIONS;
  }
  if (!Array.isArray(claim) || !claim.every((item) => typeof item === 'string')) {
    throw new UnauthorizedException('Token permissions claim must be an array of permission names');
  }
  return claim.filter(isPermission);
}
