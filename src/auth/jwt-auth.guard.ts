import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { ApiKeysService } from './api-keys.service';
import { ExternalIdpService } from './external-idp.service';
import { HostPrincipals } from './host-principals';
import { JWT_STRATEGY } from './jwt.strategy';
import { DeletedWorkspaces } from '../core/deleted-workspaces';
import { InvalidationBus } from '../core/invalidation-bus';
import { AccessTokenRevocations } from './access-token-revocations';
import { Principal } from '../core/principal';
import { VerifiedTokenCache } from './verified-token-cache';
import { unavailableOr } from '../common/database-unavailable';
import { AuthFailureReason, VaultTelemetry } from '../core/vault-telemetry';

interface BearerRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: Principal;
}

/**
 * Guards our controllers (never the host's routes) and says why a token was refused: the
 * reasons name the failed check, never the token. A bearer value with the API key prefix is
 * checked as an API key; a non-HS256 JWT by the external identity provider, when one is
 * configured; anything else by the HS256 passport strategy, which a token passes once: after
 * that it is known until its `exp` (see VerifiedTokenCache).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  private readonly verifiedTokens = new VerifiedTokenCache();

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly externalIdp: ExternalIdpService,
    private readonly deleted: DeletedWorkspaces,
    private readonly revocations: AccessTokenRevocations,
    private readonly bus: InvalidationBus,
    private readonly hostPrincipals: HostPrincipals,
    private readonly telemetry: VaultTelemetry,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BearerRequest>();
    const allowed = await this.authenticate(context, request);
    // Every way in names a workspace; a deleted one stays closed to all of them.
    if (allowed && request.user && this.deleted.isKnownDeleted(request.user.workspaceId)) {
      this.telemetry.authFailed('deleted_workspace');
      throw new UnauthorizedException('The workspace of this token was deleted');
    }
    if (allowed && request.user) {
      const current = this.revocations.apply(request.user);
      if (current === undefined) {
        this.telemetry.authFailed('revoked_token');
        throw new UnauthorizedException(
          'Token revoked: its session ended or its user left the workspace',
        );
      }
      request.user = current;
    }
    return allowed;
  }

  private async authenticate(context: ExecutionContext, request: BearerRequest): Promise<boolean> {
    // The host's guards ran first: when it identifies the caller, its word is the authority.
    const hosted = await this.hostPrincipals.resolve(request);
    if (hosted !== undefined) {
      request.user = hosted;
      return true;
    }
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined && ApiKeysService.isApiKey(token)) {
      // An API key is looked up in the database: a lost connection is a 503, not a 500.
      request.user = await this.apiKeys.authenticate(token).catch((error: unknown) => {
        throw unavailableOr(context, error);
      });
      return true;
    }
    if (token !== undefined && this.externalIdp.handles(token)) {
      request.user = await this.externalIdp.verify(token);
      return true;
    }
    // Without the channel a remembered token may have been revoked elsewhere: verify it again.
    if (token !== undefined && this.bus.isHealthy()) {
      const known = this.verifiedTokens.get(token, Date.now());
      if (known !== undefined) {
        request.user = known;
        return true;
      }
    }
    const allowed = (await super.canActivate(context)) as boolean;
    if (allowed && token !== undefined && request.user !== undefined) {
      this.verifiedTokens.remember(token, request.user);
    }
    return allowed;
  }

  override handleRequest<TUser = Principal>(error: unknown, user: unknown, info: unknown): TUser {
    if (error) {
      // The strategy's claim checks refused the token.
      this.telemetry.authFailed('bad_token');
      throw error instanceof Error ? error : new UnauthorizedException();
    }
    if (!user) {
      this.telemetry.authFailed(reasonOf(info));
      throw new UnauthorizedException(describeRejection(info));
    }
    return user as TUser;
  }
}

function reasonOf(info: unknown): AuthFailureReason {
  if (info instanceof TokenExpiredError) {
    return 'expired_token';
  }
  return info instanceof JsonWebTokenError ? 'bad_token' : 'missing_token';
}

function describeRejection(info: unknown): string {
  if (info instanceof TokenExpiredError) {
    return 'Token expired';
  }
  if (info instanceof NotBeforeError) {
    return 'Token not active yet';
  }
  if (info instanceof JsonWebTokenError) {
    return `Invalid token: ${info.message}`;
  }
  return 'Missing bearer token: send Authorization: Bearer <token>';
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const match = typeof header === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
