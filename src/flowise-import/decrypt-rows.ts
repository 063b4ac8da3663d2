import { decryptFlowiseData, FlowiseDecryptError } from './flowise-decrypt';
import { FlowiseCredentialRow } from './flowise-source';

export interface DecryptedRow {
  readonly row: FlowiseCredentialRow;
  /** The parsed JSON of the secret fields; checked for storability later. */
  readonly data: unknown;
}

export interface DecryptFailure {
  readonly id: string;
  readonly reason: 'format' | 'key';
  readonly message: string;
}

/** Decrypts every row before anything is written; the failures say which rows and why. */
export function decryptRows(
  rows: readonly FlowiseCredentialRow[],
  passphrase: string,
): { decrypted: DecryptedRow[]; failures: DecryptFailure[] } {
  const decrypted: DecryptedRow[] = [];
  const failures: DecryptFailure[] = [];
  for (const row of rows) {
    try {
      decrypted.push({ row, data: JSON.parse(decryptFlowiseData(row.encryptedData, passphrase)) });
    } catch (error) {
      if (!(error instanceof FlowiseDecryptError)) {
        throw error;
      }
      failures.push({ id: row.id, reason: error.reason, message: error.message });
    }
  }
  return { decrypted, failures };
}

/** Names the key as the likely cause; lists a few ids, never data. */
export function describeDecryptFailures(
  failures: readonly DecryptFailure[],
  total: number,
): string {
  const keyFailures = failures.filter((failure) => failure.reason === 'key');
  const formatFailures = failures.filter((failure) => failure.reason === 'format');
  const examples = (list: readonly DecryptFailure[]) =>
    list
      .slice(0, 5)
      .map((failure) => `${failure.id} (${failure.message})`)
      .join(', ');
  const lines = ['Nothing was written.'];
  if (keyFailures.length > 0) {
    lines.unshift(
      `${keyFailures.length} of ${total} Flowise credential(s) do not decrypt with the key given, ` +
        `e.g. ${examples(keyFailures)}. The likely cause is the wrong key: pass Flowise's ` +
        'encryption.key file exactly as it is (--key-file; it is used untrimmed) or the value of ' +
        'FLOWISE_SECRETKEY_OVERWRITE if Flowise ran with it (--key-env).',
    );
  }
  if (formatFailures.length > 0) {
    lines.unshift(
      `${formatFailures.length} row(s) hold no crypto-js passphrase ciphertext, ` +
        `e.g. ${examples(formatFailures)}: is this Flowise's credential table?`,
    );
  }
  return lines.join('\n');
}
