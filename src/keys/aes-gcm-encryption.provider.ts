import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { keyFingerprint } from '../config/keyring';
import { EncryptionContext, EncryptionProvider } from '../core/encryption.provider';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a fresh random 96-bit IV per call. Output: `v1.<keyId>.<iv>.<ciphertext>.<tag>`
 * (base64url parts). The header and the row's workspace and id are authenticated data, so an
 * edited envelope or a ciphertext copied into another row fails to decrypt.
 */
export class AesGcmEncryptionProvider implements EncryptionProvider {
  /** A non-secret fingerprint of the key, so that data names the key it needs. */
  readonly keyId: string;
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new Error('AES-256-GCM needs a key of exactly 32 bytes');
    }
    this.key = createSecretKey(key);
    this.keyId = keyFingerprint(key);
  }

  static fromBase64Key(base64: string): AesGcmEncryptionProvider {
    return new AesGcmEncryptionProvider(Buffer.from(base64, 'base64'));
  }

  encrypt(plaintext: string, context: EncryptionContext): Promise<string> {
    const header = `${FORMAT}.${this.keyId}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(header, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
    return Promise.resolve(`${header}.${parts.join('.')}`);
  }

  decrypt(envelope: string, context: EncryptionContext): Promise<string> {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) {
      return Promise.reject(new Error('Encrypted data is not in a known format'));
    }
    const [format, keyId, ...encoded] = parts;
    const [iv, ciphertext, tag] = encoded.map(decodeCanonical);
    if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      return Promise.reject(new Error('Encrypted data is malformed'));
    }
    if (keyId !== this.keyId) {
      return Promise.reject(
        new Error(`Encrypted data needs key ${keyId}, but the configured key is ${this.keyId}`),
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(`${format}.${keyId}`, context));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      return Promise.resolve(plaintext.toString('utf8'));
    } catch {
      // node's own message ("Unsupported state or unable to authenticate data") says nothing useful.
      return Promise.reject(
        new Error('Encrypted data failed authentication: altered, or bound to another row'),
      );
    }
  }
}

/** Length-prefixed by JSON, so no two different contexts can produce the same bytes. */
export function additionalData(header: string, context: EncryptionContext): Buffer {
  return Buffer.from(JSON.stringify([header, context.workspaceId, context.credentialId]), 'utf8');
}

/**
 * Base64url decoding is lenient (unused trailing bits, stray characters); only the canonical
 * spelling is accepted, so every character of the envelope matters.
 */
export function decodeCanonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}
