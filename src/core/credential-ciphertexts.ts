/** A credential row as key custody sees it: whose it is and its envelope, never its secret. */
export interface StoredCiphertext {
  readonly id: string;
  readonly workspaceId: string;
  readonly encryptedData: string;
  readonly version: number;
}

/** A re-encrypted envelope for a row read earlier. */
export interface CiphertextReplacement {
  readonly row: StoredCiphertext;
  readonly encryptedData: string;
}

/**
 * The port through which key custody reaches credential rows (rotation, verification, status,
 * the start-up check). The Credentials module owns the table and implements it.
 */
export interface CredentialCiphertexts {
  /** Visits rows in id order, one batch at a time (keyset paging, no long read transaction). */
  scan(
    options: { workspaceId?: string; batchSize: number },
    visit: (batch: StoredCiphertext[]) => Promise<void>,
  ): Promise<void>;
  count(workspaceId?: string): Promise<number>;
  /** Every workspace that holds a credential. */
  workspaceIds(): Promise<string[]>;
  /** The rows as stored now. */
  reload(ids: readonly string[]): Promise<StoredCiphertext[]>;
  /**
   * Replaces each envelope only while its row is unchanged since it was read (compare-and-swap
   * on version and envelope), keeping `updatedDate`: the secret did not change. One transaction;
   * returns the rows someone else changed first.
   */
  rewrite(replacements: readonly CiphertextReplacement[]): Promise<StoredCiphertext[]>;
  /** How many envelopes start with `prefix` (first-release `v1.<keyId>.` rows). */
  countWithPrefix(prefix: string): Promise<number>;
  /**
   * The distinct first 20 characters of first-release envelopes, or none when the table does not
   * exist yet: read before migrations run.
   */
  legacyEnvelopeHeads(): Promise<string[]>;
}

/** Injection token of the `CredentialCiphertexts` port. */
export const CredentialCiphertexts = Symbol('CredentialCiphertexts');
