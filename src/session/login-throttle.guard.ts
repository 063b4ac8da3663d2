import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { LoginThrottleService } from './login-throttle.service';
import { VaultTelemetry } from '../core/vault-telemetry';

/** The longest email LoginDto accepts (RFC 5321's 320 characters). */
const MAX_EMAIL_LENGTH = 320;

interface LoginRequest {
  ip: string;
  body?: { email?: unknown; username?: unknown; password?: unknown };
}

interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/**
 * Counts a login attempt before anything checks its password, and refuses it with 429 and
 * `Retry-After` when its email's or address's budget is spent. A body without an email and a
 * password string is left to validation (a 400 that checks no password and costs no attempt).
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  constructor(
    private readonly throttle: LoginThrottleService,
    private readonly telemetry: VaultTelemetry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const { body, ip } = http.getRequest<LoginRequest>();
    // `username` is the email in the OAuth 2.0 password grant of POST /auth/token.
    const email = body?.email ?? body?.username;
    // Validation refuses these anyway; an over-long email must not become a key of the store.
    if (
      typeof email !== 'string' ||
      typeof body?.password !== 'string' ||
      email.length > MAX_EMAIL_LENGTH
    ) {
      return true;
    }
    const wait = await this.throttle.attempt(email, ip);
    if (wait > 0) {
      this.telemetry.authFailed('throttled');
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
