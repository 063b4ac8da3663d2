import { resolve } from 'node:path';
import type { KeyringConfig } from '../core/keyring-config';
import { EnvironmentVariables } from './env-schema';
import { decodeAes256Key } from './key-encoding';
import { keyFingerprint, parseEncryptionKeys } from './keyring';

/** Where the master keys come from: the HSM, ENCRYPTION_KEYS, ENCRYPTION_KEY or key files. */
export function keyringConfig(vars: EnvironmentVariables, dataDir: string): KeyringConfig {
  if (vars.KEY_PROVIDER === 'pkcs11') {
    return {
      kind: 'pkcs11',
      module: resolve(vars.PKCS11_MODULE as string),
      slot: vars.PKCS11_SLOT,
      tokenLabel: vars.PKCS11_TOKEN_LABEL,
      pin: vars.PKCS11_PIN as string,
      keyLabel: vars.PKCS11_KEY_LABEL as string,
    };
  }
  if (vars.ENCRYPTION_KEYS !== undefined) {
    return {
      kind: 'env',
      variable: 'ENCRYPTION_KEYS',
      keys: parseEncryptionKeys(vars.ENCRYPTION_KEYS).keys,
    };
  }
  if (vars.ENCRYPTION_KEY !== undefined) {
    const key = decodeAes256Key(vars.ENCRYPTION_KEY);
    return { kind: 'env', variable: 'ENCRYPTION_KEY', keys: [{ kid: keyFingerprint(key), key }] };
  }
  return {
    kind: 'files',
    dir: resolve(dataDir, 'keys'),
    legacyPath: resolve(dataDir, 'encryption.key'),
  };
}
