import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { ApiKeysService } from './api-keys.service';
import { ExternalIdpService } from './external-idp.service';
import { JWT_STRATEGY } from './jwt.strategy';
import { Principal } from '../core/principal';
import { VerifiedTokenCache } from './verified-token-cache';

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
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BearerRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined && ApiKeysService.isApiKey(token)) {
      request.user = await this.apiKeys.authenticate(token);
      return true;
    }
    if (token !== undefined && this.externalIdp.handles(token)) {
      request.user = await this.externalIdp.verify(token);
      return true;
    }
    if (token !== undefined) {
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
      throw error instanceof Error ? error : new UnauthorizedException();
    }
    if (!user) {
      throw new UnauthorizedException(describeRejection(info));
    }
    return user as TUser;
  }
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
