import { Principal } from '../core/principal';

/** Bounded, so a flood of distinct tokens cannot grow the process; full means start over. */
const MAX_ENTRIES = 10_000;

interface Verified {
  principal: Principal;
  /** The token's `exp`, in milliseconds. */
  expiresAt: number;
}

/**
 * Our HS256 tokens that passed passport-jwt, remembered until their `exp`. A client sends the
 * same token with request after request; verifying it again through passport and jsonwebtoken
 * each time was a quarter of what a read allocated. Nothing but the token decides its validity
 * (no revocation list, no database), so an entry is exactly as good as re-verifying until it
 * expires, and it is dropped at that instant.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Verified>();

  get(token: string, now: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** Remembers a token passport accepted; one whose `exp` cannot be read is not kept. */
  remember(token: string, principal: Principal): void {
    const expiresAt = expiryOf(token);
    if (expiresAt === undefined) {
      return;
    }
    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.clear();
    }
    this.entries.set(token, { principal, expiresAt });
  }
}

function expiryOf(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
