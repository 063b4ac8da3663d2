import { createDecipheriv, createHash } from 'node:crypto';

const SALTED_PREFIX = Buffer.from('Salted__');
const SALT_BYTES = 8;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;

/**
 * Why a Flowise ciphertext did not open: `format` when it is not crypto-js's passphrase output
 * at all, `key` when it is but the passphrase does not fit (bad padding, not UTF-8, not JSON).
 * Messages never quote the data: a wrong key yields garbage, a right one the secret.
 */
export class FlowiseDecryptError extends Error {
  constructor(
    readonly reason: 'format' | 'key',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Opens Flowise's `encryptedData`: crypto-js `AES.encrypt(json, passphrase)`, that is base64 of
 * `"Salted__" + salt + ciphertext`, with key and IV from OpenSSL's `EVP_BytesToKey` (MD5, one
 * iteration) and AES-256-CBC with PKCS#7 padding. Returns the JSON text.
 */
export function decryptFlowiseData(encryptedData: string, passphrase: string): string {
  const bytes = Buffer.from(encryptedData, 'base64');
  const body = bytes.subarray(SALTED_PREFIX.length + SALT_BYTES);
  if (
    !bytes.subarray(0, SALTED_PREFIX.length).equals(SALTED_PREFIX) ||
    body.length === 0 ||
    body.length % BLOCK_BYTES !== 0
  ) {
    throw new FlowiseDecryptError(
      'format',
      'not a crypto-js passphrase ciphertext (Flowise’s start with U2FsdGVkX1)',
    );
  }
  const salt = bytes.subarray(SALTED_PREFIX.length, SALTED_PREFIX.length + SALT_BYTES);
  const { key, iv } = evpBytesToKey(Buffer.from(passphrase, 'utf8'), salt);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new FlowiseDecryptError('key', 'bad padding after decryption');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new FlowiseDecryptError('key', 'decrypted bytes are not UTF-8');
  }
  try {
    JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text: never rethrow it.
    throw new FlowiseDecryptError('key', 'decrypted text is not JSON');
  }
  return text;
}

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_(i-1) || password || salt). */
function evpBytesToKey(password: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  let length = 0;
  while (length < KEY_BYTES + IV_BYTES) {
    previous = createHash('md5').update(previous).update(password).update(salt).digest();
    blocks.push(previous);
    length += previous.length;
  }
  const derived = Buffer.concat(blocks);
  return {
    key: derived.subarray(0, KEY_BYTES),
    iv: derived.subarray(KEY_BYTES, KEY_BYTES + IV_BYTES),
  };
}
