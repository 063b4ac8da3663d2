/** What a ciphertext is bound to: decrypting it under any other context fails. */
export interface EncryptionContext {
  readonly workspaceId: string;
  readonly credentialId: string;
}

/** A stored credential's context: it decrypts only as this workspace's, this id's. */
export function encryptionContextOf(row: {
  readonly workspaceId: string;
  readonly id: string;
}): EncryptionContext {
  return { workspaceId: row.workspaceId, credentialId: row.id };
}

/**
 * Encrypts credential secrets at rest. The default is AES-256-GCM with a local key; a host can
 * pass its own implementation (a KMS, an HSM) in the module options.
 */
export interface EncryptionProvider {
  /** Returns a self-describing, versioned string that is safe to store and to show to clients. */
  encrypt(plaintext: string, context: EncryptionContext): Promise<string>;
  /** Throws if the ciphertext was altered, moved to another row, or made with another key. */
  decrypt(ciphertext: string, context: EncryptionContext): Promise<string>;
}

/** Injection token of the `EncryptionProvider`. */
export const EncryptionProvider = Symbol('EncryptionProvider');
