import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { JWT_STRATEGY } from './jwt.strategy';
import { Principal } from './principal';

/**
 * Guards our controllers (never the host's routes) and says why a token was refused: the
 * reasons name the failed check, never the token.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
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
