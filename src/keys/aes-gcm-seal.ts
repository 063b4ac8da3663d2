import { createCipheriv, createDecipheriv, KeyObject, randomBytes } from 'node:crypto';
import { decodeCanonical } from './aes-gcm-encryption.provider';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a fresh random IV: `<iv>.<ciphertext>.<tag>`, each canonical base64url. */
export function seal(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

/** Opens what `seal` made; throws a plain Error that says nothing about the key or the data. */
export function open(key: KeyObject | Buffer, sealed: string, aad: Buffer): Buffer {
  const parts = sealed.split('.');
  const [iv, ciphertext, tag] = parts.map(decodeCanonical);
  if (
    parts.length !== 3 ||
    !iv ||
    !ciphertext ||
    !tag ||
    iv.length !== IV_BYTES ||
    tag.length !== TAG_BYTES
  ) {
    throw new Error('Sealed data is malformed');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new Error('Sealed data failed authentication: altered, bound elsewhere, or another key');
  }
}
