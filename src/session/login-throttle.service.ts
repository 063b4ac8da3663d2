import { Inject, Injectable, Optional } from '@nestjs/common';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { normalizeEmail } from '../users/users.service';
import { AttemptBudget, InMemoryLoginAttemptStore, LoginAttemptStore } from './login-attempt.store';

/** Inject a shared LoginAttemptStore under this token to count across replicas. */
export const LOGIN_ATTEMPT_STORE = Symbol('LOGIN_ATTEMPT_STORE');

/**
 * Counts login attempts per email and per client address in fixed windows. An attempt is
 * counted before its password is checked, so parallel guesses cannot outrun the count; a
 * success gives its attempts back (clears the email, returns the address's one).
 */
@Injectable()
export class LoginThrottleService {
  private readonly maxPerEmail: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;
  private readonly store: LoginAttemptStore;

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @Optional() @Inject(LOGIN_ATTEMPT_STORE) store?: LoginAttemptStore,
  ) {
    this.maxPerEmail = options.loginThrottle?.maxFailuresPerEmail ?? 5;
    this.maxPerAddress = options.loginThrottle?.maxFailuresPerAddress ?? 20;
    this.windowMs = (options.loginThrottle?.windowSeconds ?? 900) * 1000;
    this.store = store ?? new InMemoryLoginAttemptStore();
  }

  /**
   * Counts an attempt for this email from this address: the seconds to wait when its budget
   * is spent (the attempt is then refused and not counted), else 0.
   */
  async attempt(email: string, address: string): Promise<number> {
    const wait = await this.store.take(this.budgets(email, address), this.windowMs, Date.now());
    return Math.ceil(wait / 1000);
  }

  /** A successful login clears its email's count and gives its address its attempt back (one
   *  good account must not launder a spray of guesses at others, nor lock its own office). */
  async recordSuccess(email: string, address: string): Promise<void> {
    await this.store.forget(emailKey(email));
    await this.store.giveBack(addressKey(address));
  }

  private budgets(email: string, address: string): AttemptBudget[] {
    return [
      { key: addressKey(address), max: this.maxPerAddress },
      { key: emailKey(email), max: this.maxPerEmail },
    ];
  }
}

function addressKey(address: string): string {
  return `address:${address}`;
}

function emailKey(email: string): string {
  return `email:${normalizeEmail(email)}`;
}
