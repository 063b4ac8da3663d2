import { randomBytes, scrypt as scryptCallback, ScryptOptions } from 'node:crypto';
import type { TransferredCredential } from '../credentials/credential-transfer.service';
import { open, seal } from '../keys/aes-gcm-seal';

const MAGIC = 'credential-vault-bundle';
const FORMAT_VERSION = 1;
/** scrypt cost: 128 MiB and about a second per guess on a server core. */
const KDF = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 } as const;
const MIN_PASSPHRASE_LENGTH = 12;

/** One credential as a bundle carries it: metadata, and the secret fields as stored (JSON). */
export type BundledCredential = TransferredCredential;

/** Authenticated, not encrypted: readable without the passphrase, unchangeable with it. */
export interface BundleHeader {
  readonly format: typeof MAGIC;
  readonly formatVersion: number;
  readonly createdAt: string;
  readonly counts: { readonly credentials: number; readonly workspaces: number };
  readonly kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  readonly cipher: 'aes-256-gcm';
}

/** A bundle that cannot be opened: the message is safe to print. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

export function passphraseProblem(passphrase: string): string | undefined {
  return passphrase.length < MIN_PASSPHRASE_LENGTH
    ? `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`
    : undefined;
}

/**
 * A sealed bundle: a header line (JSON) and the credentials, AES-256-GCM encrypted under a key
 * derived from the passphrase with scrypt. The header is the additional authenticated data, so
 * changing its counts or date breaks the bundle as surely as changing the ciphertext.
 */
export async function sealBundle(
  credentials: readonly BundledCredential[],
  passphrase: string,
  now = new Date(),
): Promise<string> {
  const problem = passphraseProblem(passphrase);
  if (problem) {
    throw new BundleError(problem);
  }
  const header: BundleHeader = {
    format: MAGIC,
    formatVersion: FORMAT_VERSION,
    createdAt: now.toISOString(),
    counts: {
      credentials: credentials.length,
      workspaces: new Set(credentials.map((credential) => credential.workspaceId)).size,
    },
    kdf: { ...KDF, salt: randomBytes(16).toString('base64url') },
    cipher: 'aes-256-gcm',
  };
  const headerLine = JSON.stringify(header);
  const key = await deriveKey(passphrase, header.kdf);
  try {
    const body = seal(key, Buffer.from(JSON.stringify(credentials), 'utf8'), aad(headerLine));
    return `${headerLine}\n${body}\n`;
  } finally {
    key.fill(0);
  }
}

/** Reads only the header (no passphrase needed), refusing anything that is not a bundle. */
export function readBundleHeader(contents: string): {
  header: BundleHeader;
  headerLine: string;
  body: string;
} {
  const lines = contents.split('\n');
  const [headerLine, body] = lines;
  if (lines.length !== 3 || lines[2] !== '' || !headerLine || !body) {
    throw new BundleError('Not a credential-vault bundle (or it was cut short)');
  }
  let header: BundleHeader;
  try {
    header = JSON.parse(headerLine) as BundleHeader;
  } catch {
    throw new BundleError('Not a credential-vault bundle: the header is not JSON');
  }
  if (header?.format !== MAGIC) {
    throw new BundleError('Not a credential-vault bundle');
  }
  if (header.formatVersion !== FORMAT_VERSION) {
    throw new BundleError(`Bundle format version ${String(header.formatVersion)} is not supported`);
  }
  const kdf = header.kdf;
  const sane =
    kdf?.name === 'scrypt' &&
    Number.isInteger(kdf.N) &&
    kdf.N >= 2 ** 14 &&
    kdf.N <= 2 ** 20 &&
    (kdf.N & (kdf.N - 1)) === 0 &&
    Number.isInteger(kdf.r) &&
    kdf.r >= 1 &&
    kdf.r <= 16 &&
    Number.isInteger(kdf.p) &&
    kdf.p >= 1 &&
    kdf.p <= 4 &&
    typeof kdf.salt === 'string' &&
    Buffer.from(kdf.salt, 'base64url').length >= 16 &&
    header.cipher === 'aes-256-gcm';
  if (!sane) {
    throw new BundleError('The bundle header has unsupported or unsafe key-derivation settings');
  }
  return { header, headerLine, body };
}

/** Opens a bundle; a wrong passphrase and any altered byte fail the same way. */
export async function openBundle(
  contents: string,
  passphrase: string,
): Promise<{ header: BundleHeader; credentials: BundledCredential[] }> {
  const { header, headerLine, body } = readBundleHeader(contents);
  const key = await deriveKey(passphrase, header.kdf);
  let plaintext: Buffer;
  try {
    plaintext = open(key, body, aad(headerLine));
  } catch {
    throw new BundleError('Cannot open the bundle: wrong passphrase, or the bundle was altered');
  } finally {
    key.fill(0);
  }
  const credentials = JSON.parse(plaintext.toString('utf8')) as BundledCredential[];
  plaintext.fill(0);
  if (
    !Array.isArray(credentials) ||
    credentials.length !== header.counts.credentials ||
    new Set(credentials.map((credential) => credential.workspaceId)).size !==
      header.counts.workspaces
  ) {
    throw new BundleError('The bundle contents do not match its header');
  }
  return { header, credentials };
}

function aad(headerLine: string): Buffer {
  return Buffer.from(`${MAGIC}\n${headerLine}`, 'utf8');
}

function deriveKey(passphrase: string, kdf: BundleHeader['kdf']): Promise<Buffer> {
  const options: ScryptOptions = {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * kdf.N * kdf.r + 1024,
  };
  return new Promise((done, fail) =>
    scryptCallback(
      passphrase.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64url'),
      32,
      options,
      (error, key) => (error ? fail(error) : done(key)),
    ),
  );
}
