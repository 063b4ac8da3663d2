import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { HashingQueue } from './hashing-queue';

/**
 * One of OWASP's equivalent scrypt settings: N = 2^15, r = 8, p = 3 takes the CPU of its
 * baseline (2^17, 8, 1) with a quarter of the memory (32 MiB), so a queue of logins stays
 * under the RSS target. Hashes of the older cost keep verifying (the PHC string says its cost).
 */
const COST = { log2N: 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(
  password: string,
  salt: Buffer,
  log2N: number,
  r: number,
  p: number,
): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** log2N, r, p, maxmem: 256 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Hashes and checks passwords with scrypt from `node:crypto` (PHC string format, so the cost
 * can rise later without breaking stored hashes). A password never leaves this class.
 */
@Injectable()
export class PasswordService {
  /**
   * What an unknown email's login derives against. Random bytes, not a hash made at start: one
   * derivation holds 128 MiB and a core for a moment, which no start should pay for nothing.
   */
  private readonly dummySalt = randomBytes(SALT_LENGTH);
  /** Every derivation waits its turn here: memory and threads stay bounded under a flood. */
  readonly queue = new HashingQueue();

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.queue.run(() => derive(password, salt, COST.log2N, COST.r, COST.p));
    const params = `ln=${COST.log2N},r=${COST.r},p=${COST.p}`;
    return `$scrypt$${params}$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
  }

  /** False for a wrong password or a hash this class cannot read; never throws on bad input. */
  async verify(hash: string, password: string): Promise<boolean> {
    const match = PHC.exec(hash);
    if (!match) {
      return false;
    }
    const [, log2N, r, p, salt, expected] = match;
    const expectedKey = Buffer.from(expected, 'base64');
    const key = await this.queue.run(() =>
      derive(password, Buffer.from(salt, 'base64'), +log2N, +r, +p),
    );
    return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  }

  /**
   * Spends what `verify` spends, for an unknown email: a login must not tell by its timing
   * whether an account exists.
   */
  async verifyNothing(password: string): Promise<false> {
    await this.queue.run(() => derive(password, this.dummySalt, COST.log2N, COST.r, COST.p));
    return false;
  }
}
