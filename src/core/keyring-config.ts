/** One master key of a local keyring. */
export interface MasterKeyMaterial {
  readonly kid: string;
  readonly key: Buffer;
}

/** Where the master keys come from: exactly one source, chosen by the environment. */
export type KeyringConfig =
  | {
      readonly kind: 'env';
      /** Where the keys came from, for messages (`encryptionKey`: the embedding option). */
      readonly variable: 'ENCRYPTION_KEYS' | 'ENCRYPTION_KEY' | 'encryptionKey';
      /** The first key is the active one. */
      readonly keys: readonly MasterKeyMaterial[];
    }
  | {
      readonly kind: 'files';
      /** `<kid>.key` files, one base64 key each, mode 0600. */
      readonly dir: string;
      /** The single key file of the first release; it joins the ring under its fingerprint. */
      readonly legacyPath: string;
    }
  | {
      readonly kind: 'pkcs11';
      readonly module: string;
      readonly slot?: number;
      readonly tokenLabel?: string;
      readonly pin: string;
      /** The label of the AES key that is active until `keys:rotate-master` records another. */
      readonly keyLabel: string;
    };
