/** A master key as a provider lists it: never its material. */
export interface MasterKeyInfo {
  readonly kid: string;
  /** When the key was made, when the provider knows it (a key file's date, an HSM attribute). */
  readonly createdAt?: Date;
}

/**
 * Holds the master keys (key-encryption keys) that wrap each workspace's data key. The vault
 * never sees a master key's material through this interface, so a cloud KMS or an HSM can
 * implement it in one file: wrap and unwrap 32-byte data keys, bound to `aad`.
 */
export interface MasterKeyProvider {
  /** Shown by `keys:status`, e.g. `local` or `pkcs11`. */
  readonly name: string;

  /** Every master key usable now. Re-reads its source, so keys added while running are found. */
  listKeys(): Promise<MasterKeyInfo[]>;

  /**
   * The active key when the configuration decides it (ENCRYPTION_KEYS: the first entry). When
   * undefined, the vault records the active key in its database (`keys:rotate-master`).
   */
  configuredActiveKeyId(): string | undefined;

  /** The key to record as active in a database that has none recorded yet. */
  initialKeyId(): Promise<string | undefined>;

  /** Wraps a data key; the result is stored as text beside the key id. */
  wrap(kid: string, dataKey: Buffer, aad: Buffer): Promise<string>;

  /** Throws if the key is unknown, the wrapped key was altered, or `aad` differs. */
  unwrap(kid: string, wrapped: string, aad: Buffer): Promise<Buffer>;

  /**
   * Makes a new master key (`keys:rotate-master`). Absent when only the operator can add keys
   * (ENCRYPTION_KEYS); then the operator adds it and the vault rewraps to it.
   */
  createKey?(kid: string): Promise<void>;

  /**
   * Destroys a master key that nothing uses any more (`keys:retire`) and says what it did.
   * Absent when the operator removes keys (then retire says it is safe to).
   */
  destroyKey?(kid: string): Promise<string>;

  /**
   * The raw AES key behind a first-release `v1.<keyId>` envelope, found by that key id. Only a
   * local keyring has raw keys; other providers leave this out.
   */
  legacyKey?(legacyKeyId: string): Buffer | undefined;

  /** The `v1.<keyId>` id under which the first release knew this master key. */
  legacyKeyIdOf?(kid: string): string | undefined;

  /** What an operator must do to retire a key this provider does not destroy itself. */
  retireAdvice?(kid: string): string;

  close?(): Promise<void>;
}
