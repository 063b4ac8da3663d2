import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { PrincipalThrottlerGuard } from './principal-throttler.guard';
import { RateLimitInterceptor } from './rate-limit.interceptor';

/** Requests allowed per principal (or client address) within a window; 0 turns it off. */
export interface RateLimitOptions {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * The standalone server's rate limit on every route it serves. Only the standalone host imports
 * this: an embedding app keeps its own policy for its routes and ours.
 */
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    if (options.limit === 0) {
      return { module: RateLimitModule };
    }
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ limit: options.limit, ttl: options.windowSeconds * 1000 }],
        }),
      ],
      providers: [
        PrincipalThrottlerGuard,
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
      ],
    };
  }
}
