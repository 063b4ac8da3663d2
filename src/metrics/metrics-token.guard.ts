import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { MetricsOptions } from './metrics.options';

interface BearerRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Lets through only a request bearing `METRICS_TOKEN`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the guess.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(options: MetricsOptions) {
    this.expected = digest(options.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const { authorization } = context.switchToHttp().getRequest<BearerRequest>().headers;
    const match =
      typeof authorization === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (match === null || !timingSafeEqual(digest(Buffer.from(match[1], 'utf8')), this.expected)) {
      throw new UnauthorizedException(
        'Metrics need the metrics token: send Authorization: Bearer <METRICS_TOKEN>',
      );
    }
    return true;
  }
}

function digest(value: Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
