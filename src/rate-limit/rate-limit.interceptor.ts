import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { PrincipalThrottlerGuard } from './principal-throttler.guard';

/**
 * Applies the rate limit after the guards: an interceptor runs once authentication has put the
 * principal on the request, which a global guard would run before.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly throttler: PrincipalThrottlerGuard) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    await this.throttler.canActivate(context);
    return next.handle();
  }
}
