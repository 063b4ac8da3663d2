import { CredentialTypesMode } from '../credential-types/credential-type';
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
  /**
   * `strict` (the default) stores only credentials of a known type: the built-in Flowise
   * catalogue, its aliases and `credentialTypesFile`. `permissive` also stores unknown types,
   * with only the generic checks. Known types are checked in both modes.
   */
  credentialTypes?: CredentialTypesMode;
  /**
   * A JSON file `{"types": [...]}` of custom credential types in the catalogue's shape. It is
   * read and checked when the module starts; a bad file stops the start. Redefining a built-in
   * type needs `"override": true` on the entry.
   */
  credentialTypesFile?: string;
}
