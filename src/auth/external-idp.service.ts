import {
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createPublicKey } from 'node:crypto';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions, ExternalIdpOptions } from '../core/vault-options';
import { isPermission, Permission } from '../core/permissions';
import { isClaimString, Principal } from '../core/principal';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../core/workspace-id';
import { VaultTelemetry } from '../core/vault-telemetry';

/**
 * `jose`, loaded only when an external provider is configured: most deployments have none, and
 * loading it was a few percent of every start (`npm run bench` measures the cold start).
 */
function jose(): typeof import('jose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('jose') as typeof import('jose');
}

/** Tolerated clock difference with the provider, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 30;
const TOKEN_EXPIRED = 'Token expired';

/**
 * Verifies tokens from an organisation's own identity provider, with `jose`: signature by a key
 * from the provider's JWKS (cached, refetched on an unknown `kid` at most once per cooldown)
 * or a configured PEM key; the algorithm must be on the configured allow-list, never one the
 * token picks; `iss` and `aud` when configured; `exp` always.
 */
@Injectable()
export class ExternalIdpService {
  private readonly idp?: ExternalIdpOptions;
  /** The provider's JWKS, or the configured PEM key behind the same interface. */
  private readonly key?: JWTVerifyGetKey;

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    private readonly telemetry: VaultTelemetry,
  ) {
    this.idp = options.externalIdp;
    if (this.idp?.jwksUrl) {
      this.key = jose().createRemoteJWKSet(new URL(this.idp.jwksUrl), {
        cooldownDuration: (this.idp.jwksCooldownSeconds ?? 30) * 1000,
        cacheMaxAge: 10 * 60 * 1000,
        timeoutDuration: 5000,
      });
    } else if (this.idp?.publicKey) {
      const publicKey = createPublicKey(this.idp.publicKey);
      this.key = () => publicKey;
    }
  }

  /**
   * Whether a bearer token is the provider's to verify: an external provider is configured and
   * the token is not HS256 (our own tokens, verified by the passport strategy). HS256 never
   * reaches an asymmetric key here, which is what defeats algorithm confusion.
   */
  handles(token: string): boolean {
    if (!this.idp || !this.key) {
      return false;
    }
    try {
      return jose().decodeProtectedHeader(token).alg !== 'HS256';
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<Principal> {
    try {
      return await this.principalOf(token);
    } catch (error) {
      if (error instanceof UnauthorizedException) {
        this.telemetry.authFailed(error.message === TOKEN_EXPIRED ? 'expired_token' : 'bad_token');
      }
      throw error;
    }
  }

  private async principalOf(token: string): Promise<Principal> {
    const idp = this.idp!;
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: idp.algorithms,
        issuer: idp.issuer,
        audience: idp.audience,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      };
      payload = (await jose().jwtVerify(token, this.key!, options)).payload;
    } catch (error) {
      throw describeFailure(error);
    }
    const workspaceId = payload[idp.workspaceClaim];
    if (!isClaimString(workspaceId)) {
      throw new UnauthorizedException(`Token has no ${idp.workspaceClaim} claim`);
    }
    if (!isWorkspaceId(workspaceId)) {
      throw new UnauthorizedException(
        `Token ${idp.workspaceClaim} claim must be ${WORKSPACE_ID_RULE}`,
      );
    }
    if (!isClaimString(payload.sub)) {
      throw new UnauthorizedException('Token has no sub (user id) claim');
    }
    return {
      userId: payload.sub,
      workspaceId,
      permissions: permissionsOf(payload[idp.permissionsClaim], idp),
      via: 'external',
    };
  }
}

/** An array of names, or an OAuth-style space-separated string; absent: the configured default. */
function permissionsOf(claim: unknown, idp: ExternalIdpOptions): readonly Permission[] {
  if (claim === undefined) {
    return idp.defaultPermissions;
  }
  const names = typeof claim === 'string' ? claim.split(' ') : claim;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new UnauthorizedException(
      `Token ${idp.permissionsClaim} claim must be an array of permission names`,
    );
  }
  return names.filter(isPermission);
}

/** Names the failed check, never the token or a claim's value. */
function describeFailure(error: unknown): Error {
  const { errors } = jose();
  if (error instanceof errors.JWTExpired) {
    return new UnauthorizedException(TOKEN_EXPIRED);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthorizedException(
      `Invalid token: ${error.claim} claim check failed (${error.reason})`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new UnauthorizedException(
      'Invalid token: its algorithm is not allowed (JWT_ALGORITHMS)',
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new UnauthorizedException(
      'Invalid token: no key of the identity provider matches its kid',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new UnauthorizedException('Invalid token: invalid signature');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new ServiceUnavailableException(
      "Cannot verify the token: the identity provider's keys are unavailable",
    );
  }
  if (error instanceof errors.JOSEError) {
    return new UnauthorizedException(`Invalid token: ${error.code}`);
  }
  if (error instanceof TypeError || (error as { code?: string }).code === 'ECONNREFUSED') {
    return new ServiceUnavailableException(
      "Cannot verify the token: the identity provider's keys are unavailable",
    );
  }
  return error as Error;
}
