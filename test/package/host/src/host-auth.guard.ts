import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { hostSettings } from './host-settings';

/** The host's user, as its guard puts it on `request.user`. */
export interface HostUser {
  id: string;
  tenant: string;
  role: 'editor' | 'viewer';
}

export type HostRequest = Request & { user?: HostUser };

interface HostTokenClaims {
  uid: string;
  tenant: string;
  role: HostUser['role'];
}

const PUBLIC = 'host:public';
/** Host routes anyone may call. */
export const Public = () => SetMetadata(PUBLIC, true);

/** The host's global guard: its own HS256 tokens (its secret, its claims), on every route. */
@Injectable()
export class HostAuthGuard implements CanActivate {
  private readonly tokens = new JwtService({ secret: hostSettings().hostTokenSecret });

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])
    ) {
      return true;
    }
    const request = context.switchToHttp().getRequest<HostRequest>();
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match) {
      throw new UnauthorizedException('host: a host token is required');
    }
    try {
      const claims = await this.tokens.verifyAsync<HostTokenClaims>(match[1], {
        algorithms: ['HS256'],
      });
      request.user = { id: claims.uid, tenant: claims.tenant, role: claims.role };
    } catch {
      throw new UnauthorizedException('host: invalid token');
    }
    return true;
  }
}
