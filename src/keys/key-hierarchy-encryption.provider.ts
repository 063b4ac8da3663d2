import { additionalData, AesGcmEncryptionProvider } from './aes-gcm-encryption.provider';
import { EncryptionContext, EncryptionProvider } from '../core/encryption.provider';
import { open, seal } from './aes-gcm-seal';
import { KeyHierarchy } from './key-hierarchy';

const ENVELOPE = /^v2\.([1-9][0-9]{0,8})\.(.*)$/s;
const LEGACY_ENVELOPE = /^v1\.([0-9a-f]{16})\./;

/** What an `encryptedData` envelope says about the key it needs. */
export type EnvelopeKey =
  | { readonly kind: 'data-key'; readonly version: number }
  | { readonly kind: 'legacy'; readonly legacyKeyId: string }
  | { readonly kind: 'unknown' };

export function envelopeKey(envelope: string): EnvelopeKey {
  const current = ENVELOPE.exec(envelope);
  if (current) {
    return { kind: 'data-key', version: Number(current[1]) };
  }
  const legacy = LEGACY_ENVELOPE.exec(envelope);
  return legacy ? { kind: 'legacy', legacyKeyId: legacy[1] } : { kind: 'unknown' };
}

/**
 * Credentials encrypted with their workspace's data key: `v2.<dataKeyVersion>.<iv>.<ct>.<tag>`,
 * AES-256-GCM, with the version, the workspace and the credential id as authenticated data.
 * First-release `v1.<keyId>...` envelopes still decrypt with the master key they name, until
 * `keys:rotate-data` re-encrypts them.
 */
export class KeyHierarchyEncryptionProvider implements EncryptionProvider {
  private readonly legacyProviders = new Map<string, AesGcmEncryptionProvider>();

  constructor(readonly keys: KeyHierarchy) {}

  async encrypt(plaintext: string, context: EncryptionContext): Promise<string> {
    const { version, key } = await this.keys.currentDataKey(context.workspaceId);
    return this.encryptWith(plaintext, context, version, key);
  }

  /** Encrypts under one given data-key version (rotation re-encrypts to its target version). */
  async encryptWithVersion(
    plaintext: string,
    context: EncryptionContext,
    version: number,
  ): Promise<string> {
    const key = await this.keys.dataKey(context.workspaceId, version);
    return this.encryptWith(plaintext, context, version, key);
  }

  async decrypt(envelope: string, context: EncryptionContext): Promise<string> {
    const needed = envelopeKey(envelope);
    if (needed.kind === 'legacy') {
      return this.legacyProvider(needed.legacyKeyId).decrypt(envelope, context);
    }
    if (needed.kind !== 'data-key') {
      throw new Error('Encrypted data is not in a known format');
    }
    const header = `v2.${needed.version}`;
    const key = await this.keys.dataKey(context.workspaceId, needed.version);
    const sealed = envelope.slice(header.length + 1);
    return open(key, sealed, additionalData(header, context)).toString('utf8');
  }

  private encryptWith(
    plaintext: string,
    context: EncryptionContext,
    version: number,
    key: Parameters<typeof seal>[0],
  ): string {
    const header = `v2.${version}`;
    return `${header}.${seal(key, Buffer.from(plaintext, 'utf8'), additionalData(header, context))}`;
  }

  private legacyProvider(legacyKeyId: string): AesGcmEncryptionProvider {
    let provider = this.legacyProviders.get(legacyKeyId);
    if (!provider) {
      const raw = this.keys.masterKeys.legacyKey?.(legacyKeyId);
      if (!raw) {
        throw new Error(
          `Encrypted data needs master key ${legacyKeyId}, which is not in the keyring`,
        );
      }
      provider = new AesGcmEncryptionProvider(raw);
      this.legacyProviders.set(legacyKeyId, provider);
    }
    return provider;
  }
}
