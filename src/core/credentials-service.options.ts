import { EncryptionProvider } from '../credentials/encryption/encryption.provider';

/** What an application passes to `CredentialsServiceModule.forRoot()` / `forRootAsync()`. */
export interface CredentialsServiceOptions {
  /**
   * The AES-256 key that encrypts secrets at rest (exactly 32 bytes). Used by the default
   * AES-256-GCM provider; ignored when `encryption` is given.
   */
  encryptionKey?: Buffer;
  /** Your own `EncryptionProvider` (a KMS, an HSM) instead of the local AES-256-GCM key. */
  encryption?: EncryptionProvider;
  /** The HS256 secret that bearer tokens are verified with (at least 32 bytes). */
  jwtSecret: Buffer;
}
