import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../core/errors';
import { KEY_ID_PATTERN, keyFingerprint } from '../config/keyring';
import type { KeyringConfig, MasterKeyMaterial } from '../core/keyring-config';
import { createSecretFile, fileExists, readSecretFile } from '../config/secret-files';
import { open, seal } from './aes-gcm-seal';
import { MasterKeyInfo, MasterKeyProvider } from './master-key.provider';

interface LocalKey {
  readonly kid: string;
  readonly raw: Buffer;
  readonly key: KeyObject;
  readonly legacyKeyId: string;
  readonly path?: string;
  readonly createdAt?: Date;
}

type EnvKeyring = Extract<KeyringConfig, { kind: 'env' }>;
type FileKeyring = Extract<KeyringConfig, { kind: 'files' }>;

/** A fresh, sortable, filename-safe master key id such as `mk-20261127-3fa9c2`. */
export function newMasterKeyId(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `mk-${day}-${randomBytes(3).toString('hex')}`;
}

/**
 * Master keys held by this process: from ENCRYPTION_KEYS / ENCRYPTION_KEY, or from key files
 * in DATA_DIR/keys (plus the first release's DATA_DIR/encryption.key). Key files are re-read
 * when an unknown key id shows up, so a rotation made by the CLI reaches running servers.
 */
export class LocalKeyringProvider implements MasterKeyProvider {
  readonly name = 'local';
  private keys = new Map<string, LocalKey>();

  private constructor(
    private readonly env: EnvKeyring | undefined,
    private readonly files: FileKeyring | undefined,
  ) {}

  static fromConfig(config: EnvKeyring | FileKeyring): LocalKeyringProvider {
    const provider =
      config.kind === 'env'
        ? new LocalKeyringProvider(config, undefined)
        : new LocalKeyringProvider(undefined, config);
    provider.reload();
    return provider;
  }

  /** Where the keys come from, for messages: never their material. */
  get source(): string {
    return this.env ? this.env.variable : `key files in ${this.files?.dir}`;
  }

  get hasKeys(): boolean {
    return this.keys.size > 0;
  }

  listKeys(): Promise<MasterKeyInfo[]> {
    this.reload();
    return Promise.resolve(
      [...this.keys.values()].map(({ kid, createdAt }) => ({ kid, createdAt })),
    );
  }

  configuredActiveKeyId(): string | undefined {
    return this.env?.keys[0]?.kid;
  }

  initialKeyId(): Promise<string | undefined> {
    const kids = [...this.keys.keys()];
    return Promise.resolve(kids.length === 1 ? kids[0] : undefined);
  }

  wrap(kid: string, dataKey: Buffer, aad: Buffer): Promise<string> {
    return Promise.resolve(seal(this.keyFor(kid).key, dataKey, aad));
  }

  unwrap(kid: string, wrapped: string, aad: Buffer): Promise<Buffer> {
    // A throw inside the executor becomes the rejection.
    return new Promise((done) => done(open(this.keyFor(kid).key, wrapped, aad)));
  }

  legacyKey(legacyKeyId: string): Buffer | undefined {
    const find = () => [...this.keys.values()].find((key) => key.legacyKeyId === legacyKeyId);
    let found = find();
    if (!found && this.files) {
      this.reload();
      found = find();
    }
    return found?.raw;
  }

  legacyKeyIdOf(kid: string): string | undefined {
    return this.keys.get(kid)?.legacyKeyId;
  }

  retireAdvice(kid: string): string {
    return `Nothing uses master key ${kid}: it is safe to remove it from ${this.source} on every replica.`;
  }

  /** Present for key files only: ENCRYPTION_KEYS is the operator's to change. */
  get createKey(): ((kid: string) => Promise<void>) | undefined {
    const files = this.files;
    if (!files) {
      return undefined;
    }
    return (kid: string) => {
      if (!KEY_ID_PATTERN.test(kid)) {
        return Promise.reject(new Error('A key id is 1-64 letters, digits, - or _'));
      }
      this.reload();
      if (this.keys.has(kid)) {
        return Promise.reject(new Error(`Master key ${kid} already exists`));
      }
      mkdirSync(files.dir, { recursive: true, mode: 0o700 });
      createSecretFile(join(files.dir, `${kid}.key`));
      this.reload();
      return Promise.resolve();
    };
  }

  get destroyKey(): ((kid: string) => Promise<string>) | undefined {
    if (!this.files) {
      return undefined;
    }
    return (kid: string) => {
      const path = this.keys.get(kid)?.path;
      if (!path) {
        return Promise.reject(new Error(`Master key ${kid} has no key file`));
      }
      unlinkSync(path);
      this.keys.delete(kid);
      return Promise.resolve(`Deleted the key file ${path}.`);
    };
  }

  private keyFor(kid: string): LocalKey {
    let found = this.keys.get(kid);
    if (!found && this.files) {
      this.reload();
      found = this.keys.get(kid);
    }
    if (!found) {
      throw new Error(`Master key ${kid} is not in the keyring (${this.source})`);
    }
    return found;
  }

  private reload(): void {
    const loaded = this.env
      ? this.env.keys.map((material) => localKey(material))
      : this.readFiles();
    // A key file deleted by keys:retire stays usable by a process that already loaded it.
    const next = new Map(this.files ? this.keys : []);
    for (const key of loaded) {
      next.set(key.kid, key);
    }
    this.keys = next;
  }

  private readFiles(): LocalKey[] {
    const files = this.files as FileKeyring;
    const keys: LocalKey[] = [];
    if (fileExists(files.dir)) {
      for (const name of readdirSync(files.dir).sort()) {
        const kid = basename(name, '.key');
        if (!name.endsWith('.key') || !KEY_ID_PATTERN.test(kid)) {
          continue;
        }
        keys.push(readKeyFile(join(files.dir, name), kid));
      }
    }
    if (fileExists(files.legacyPath)) {
      const legacy = readKeyFile(files.legacyPath, undefined);
      if (!keys.some((key) => key.kid === legacy.kid)) {
        keys.push(legacy);
      }
    }
    return keys;
  }
}

function readKeyFile(path: string, kid: string | undefined): LocalKey {
  const raw = readSecretFile(path, 'master key');
  if (raw.length !== 32) {
    throw new ConfigError(`The master key file ${path} does not hold the base64 of 32 bytes`);
  }
  return localKey({ kid: kid ?? keyFingerprint(raw), key: raw }, path, statSync(path).mtime);
}

function localKey(material: MasterKeyMaterial, path?: string, createdAt?: Date): LocalKey {
  return {
    kid: material.kid,
    raw: material.key,
    key: createSecretKey(material.key),
    legacyKeyId: keyFingerprint(material.key),
    path,
    createdAt,
  };
}
