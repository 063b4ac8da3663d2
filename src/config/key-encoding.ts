/** Standard base64 of exactly 32 bytes (43 characters and one optional padding `=`). */
export const AES_256_KEY_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=?$/;

/** Decodes a base64 AES-256 key; the caller has already matched `AES_256_KEY_PATTERN`. */
export function decodeAes256Key(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error('An AES-256 key must be the base64 of exactly 32 bytes');
  }
  return key;
}
