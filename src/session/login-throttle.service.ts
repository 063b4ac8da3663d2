import { Inject, Injectable } from '@nestjs/common';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { normalizeEmail } from '../users/users.service';

interface Window {
  failures: number;
  resetAt: number;
}

/** Beyond this many tracked keys, expired windows are swept (bounds memory under a flood). */
const SWEEP_THRESHOLD = 10_000;

/**
 * Counts failed logins per email and per client address in fixed windows, in this process.
 * Behind N replicas an attacker gets at most N times the budget; still far from brute force.
 */
@Injectable()
export class LoginThrottleService {
  private readonly windows = new Map<string, Window>();
  private readonly maxPerEmail: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;

  constructor(@Inject(VAULT_OPTIONS) options: CredentialsServiceOptions) {
    this.maxPerEmail = options.loginThrottle?.maxFailuresPerEmail ?? 5;
    this.maxPerAddress = options.loginThrottle?.maxFailuresPerAddress ?? 20;
    this.windowMs = (options.loginThrottle?.windowSeconds ?? 900) * 1000;
  }

  /** Seconds until a login for this email from this address may be tried again; 0 if now. */
  retryAfter(email: string | undefined, address: string): number {
    const now = Date.now();
    const waits = this.keys(email, address).map(([key, max]) => {
      const window = this.windows.get(key);
      return window && window.resetAt > now && window.failures >= max ? window.resetAt - now : 0;
    });
    return Math.ceil(Math.max(0, ...waits) / 1000);
  }

  recordFailure(email: string, address: string): void {
    const now = Date.now();
    if (this.windows.size > SWEEP_THRESHOLD) {
      for (const [key, window] of this.windows) {
        if (window.resetAt <= now) {
          this.windows.delete(key);
        }
      }
    }
    for (const [key] of this.keys(email, address)) {
      const window = this.windows.get(key);
      if (!window || window.resetAt <= now) {
        this.windows.set(key, { failures: 1, resetAt: now + this.windowMs });
      } else {
        window.failures++;
      }
    }
  }

  /** A successful login clears its email's count (not the address's: one good account
   *  must not launder a spray of guesses at others). */
  recordSuccess(email: string): void {
    this.windows.delete(emailKey(email));
  }

  private keys(email: string | undefined, address: string): [string, number][] {
    const keys: [string, number][] = [[`address:${address}`, this.maxPerAddress]];
    if (email !== undefined) {
      keys.push([emailKey(email), this.maxPerEmail]);
    }
    return keys;
  }
}

function emailKey(email: string): string {
  return `email:${normalizeEmail(email)}`;
}
