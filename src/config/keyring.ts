import { createHmac } from 'node:crypto';
import type { MasterKeyMaterial } from '../core/keyring-config';
import { AES_256_KEY_PATTERN, decodeAes256Key } from './key-encoding';

/** A master key id: short, filename-safe, and never confusable with key material. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The non-secret id of a key as the first release wrote it into every `v1.<keyId>` envelope.
 * Keys supplied without an id (ENCRYPTION_KEY, DATA_DIR/encryption.key) are known by it.
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('credential-vault key id').digest('hex').slice(0, 16);
}

/**
 * Parses `ENCRYPTION_KEYS` (`kid1:base64,kid2:base64`, the first active). Problems name the
 * variable and the entry's position, never any part of the value: a misplaced key must not be
 * echoed into a log.
 */
export function parseEncryptionKeys(value: string): {
  keys: MasterKeyMaterial[];
  problems: string[];
} {
  const keys: MasterKeyMaterial[] = [];
  const problems: string[] = [];
  const firstPositionOf = new Map<string, number>();
  const entries = value.split(',');
  entries.forEach((rawEntry, index) => {
    const position = index + 1;
    const entry = rawEntry.trim();
    const separator = entry.indexOf(':');
    if (entry === '' || separator < 0) {
      problems.push(`ENCRYPTION_KEYS entry ${position} must be <kid>:<base64 of 32 bytes>`);
      return;
    }
    const kid = entry.slice(0, separator);
    const material = entry.slice(separator + 1);
    if (!KEY_ID_PATTERN.test(kid)) {
      problems.push(
        `ENCRYPTION_KEYS entry ${position} has an invalid key id (1-64 letters, digits, - or _)`,
      );
      return;
    }
    if (!AES_256_KEY_PATTERN.test(material)) {
      problems.push(`ENCRYPTION_KEYS entry ${position} must hold the base64 of exactly 32 bytes`);
      return;
    }
    const earlier = firstPositionOf.get(kid);
    if (earlier !== undefined) {
      problems.push(`ENCRYPTION_KEYS entries ${earlier} and ${position} have the same key id`);
      return;
    }
    firstPositionOf.set(kid, position);
    keys.push({ kid, key: decodeAes256Key(material) });
  });
  return { keys: problems.length === 0 ? keys : [], problems };
}
