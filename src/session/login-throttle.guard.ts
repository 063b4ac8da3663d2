import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { LoginThrottleService } from './login-throttle.service';

interface LoginRequest {
  ip: string;
  body?: { email?: unknown };
}

interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/** Refuses a login with 429 and `Retry-After` while its email or address is locked out. */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  constructor(private readonly throttle: LoginThrottleService) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<LoginRequest>();
    const email = typeof request.body?.email === 'string' ? request.body.email : undefined;
    const wait = this.throttle.retryAfter(email, request.ip);
    if (wait > 0) {
      http.getResponse<HeaderWriter>().header('Retry-After', String(wait));
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          message: `Too many failed logins; try again in ${wait} seconds`,
          error: 'Too Many Requests',
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }
}
