import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { Principal } from '../core/principal';

/**
 * @nestjs/throttler's guard, counting per principal (a user or API key in a workspace) across
 * the whole API, and per client address for calls without one (sign-in, health). It sends the
 * IETF `RateLimit-*` headers and our error shape. Run by `RateLimitInterceptor`, after the
 * guards that establish the principal.
 */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  protected override getTracker(request: { user?: Principal; ip: string }): Promise<string> {
    const user = request.user;
    return Promise.resolve(
      user === undefined
        ? `address:${request.ip}`
        : `${user.via}:${user.userId}:${user.workspaceId}`,
    );
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return createHash('sha256').update(`${name}:${tracker}`).digest('hex');
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    limit: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `Rate limit of ${limit.limit} requests reached; try again in ${limit.timeToBlockExpire} seconds`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
