import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors';

/** Creates the data directory (owner-only) when it does not exist yet. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Reads a generated secret file, refusing one that others can read: a secret anyone on the
 * machine can copy is not a secret, and starting anyway would hide that.
 */
export function readSecretFile(path: string, what: string): Buffer {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `The ${what} file ${path} is readable by other users (mode ${mode.toString(8)}); ` +
        `run: chmod 600 ${path}`,
    );
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}

/** Writes 32 random bytes, base64, to a new owner-only file; never replaces an existing one. */
export function createSecretFile(path: string): Buffer {
  const secret = randomBytes(32);
  writeFileSync(path, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600); // the process umask may have narrowed or widened the mode
  return secret;
}

export function loadOrCreateSecretFile(path: string, what: string): Buffer {
  return fileExists(path) ? readSecretFile(path, what) : createSecretFile(path);
}

export function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}
