import { randomBytes } from 'node:crypto';
import type * as Pkcs11Js from 'pkcs11js';
import { ConfigError } from '../core/errors';
import { KEY_ID_PATTERN } from '../config/keyring';
import type { KeyringConfig } from '../core/keyring-config';
import { MasterKeyInfo, MasterKeyProvider } from './master-key.provider';

type Pkcs11Config = Extract<KeyringConfig, { kind: 'pkcs11' }>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Master keys that never leave an HSM: non-extractable AES-256 keys on a PKCS#11 token, found by
 * their label (the key id). Data keys are wrapped with AES-256-GCM inside the token, bound to
 * the same authenticated data as with local keys. Calls are synchronous (pkcs11js), so one
 * logged-in session serves the whole process without interleaving.
 */
export class Pkcs11MasterKeyProvider implements MasterKeyProvider {
  readonly name = 'pkcs11';
  private keys = new Map<string, Pkcs11Js.Handle>();

  private constructor(
    private readonly lib: typeof Pkcs11Js,
    private readonly pkcs11: Pkcs11Js.PKCS11,
    private readonly session: Pkcs11Js.Handle,
    private readonly config: Pkcs11Config,
  ) {}

  /** Loads the module and logs in; errors name the module, slot or label, never the PIN. */
  static open(config: Pkcs11Config): Pkcs11MasterKeyProvider {
    let lib: typeof Pkcs11Js;
    try {
      // Optional dependency with a native build: required only when KEY_PROVIDER=pkcs11.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      lib = require('pkcs11js') as typeof Pkcs11Js;
    } catch {
      throw new ConfigError(
        'KEY_PROVIDER=pkcs11 needs the pkcs11js package (npm install pkcs11js)',
      );
    }
    const pkcs11 = loadModule(lib, config.module);
    try {
      const slot = findSlot(pkcs11, config);
      const session = pkcs11.C_OpenSession(slot, lib.CKF_SERIAL_SESSION | lib.CKF_RW_SESSION);
      try {
        pkcs11.C_Login(session, lib.CKU_USER, config.pin);
      } catch (error) {
        // The login belongs to the application: a second provider in this process shares it.
        if (!(error as Error).message.includes('CKR_USER_ALREADY_LOGGED_IN')) {
          pkcs11.C_CloseSession(session);
          throw new ConfigError('PKCS#11 login failed: check PKCS11_PIN (the PIN is not shown)');
        }
      }
      const provider = new Pkcs11MasterKeyProvider(lib, pkcs11, session, config);
      provider.reload();
      return provider;
    } catch (error) {
      unloadModule(config.module);
      throw error;
    }
  }

  get source(): string {
    const token =
      this.config.tokenLabel !== undefined
        ? `token ${this.config.tokenLabel}`
        : `slot ${this.config.slot}`;
    return `PKCS#11 ${token} via ${this.config.module}`;
  }

  get hasKeys(): boolean {
    return this.keys.size > 0;
  }

  listKeys(): Promise<MasterKeyInfo[]> {
    this.reload();
    return Promise.resolve([...this.keys.keys()].map((kid) => ({ kid })));
  }

  configuredActiveKeyId(): undefined {
    return undefined;
  }

  initialKeyId(): Promise<string | undefined> {
    return Promise.resolve(this.keys.has(this.config.keyLabel) ? this.config.keyLabel : undefined);
  }

  wrap(kid: string, dataKey: Buffer, aad: Buffer): Promise<string> {
    return new Promise((done) => {
      const iv = randomBytes(IV_BYTES);
      this.pkcs11.C_EncryptInit(this.session, this.gcm(iv, aad), this.handle(kid));
      const out = this.pkcs11.C_Encrypt(
        this.session,
        dataKey,
        Buffer.alloc(dataKey.length + TAG_BYTES),
      );
      const parts = [iv, out.subarray(0, out.length - TAG_BYTES), out.subarray(-TAG_BYTES)];
      done(parts.map((part) => part.toString('base64url')).join('.'));
    });
  }

  unwrap(kid: string, wrapped: string, aad: Buffer): Promise<Buffer> {
    return new Promise((done) => {
      const [iv, ciphertext, tag] = wrapped
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new Error('Wrapped data key is malformed');
      }
      const handle = this.handle(kid);
      try {
        this.pkcs11.C_DecryptInit(this.session, this.gcm(iv, aad), handle);
        const input = Buffer.concat([ciphertext, tag]);
        done(Buffer.from(this.pkcs11.C_Decrypt(this.session, input, Buffer.alloc(input.length))));
      } catch {
        throw new Error(
          'Wrapped data key failed authentication: altered, bound elsewhere, or another key',
        );
      }
    });
  }

  /** A new AES-256 key inside the token: sensitive, never extractable, labelled `kid`. */
  createKey(kid: string): Promise<void> {
    return new Promise((done) => {
      if (!KEY_ID_PATTERN.test(kid)) {
        throw new Error('A key id is 1-64 letters, digits, - or _');
      }
      this.reload();
      if (this.keys.has(kid)) {
        throw new Error(`Master key ${kid} already exists in the HSM`);
      }
      const lib = this.lib;
      this.pkcs11.C_GenerateKey(this.session, { mechanism: lib.CKM_AES_KEY_GEN }, [
        { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
        { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
        { type: lib.CKA_VALUE_LEN, value: 32 },
        { type: lib.CKA_LABEL, value: kid },
        { type: lib.CKA_TOKEN, value: true },
        { type: lib.CKA_PRIVATE, value: true },
        { type: lib.CKA_SENSITIVE, value: true },
        { type: lib.CKA_EXTRACTABLE, value: false },
        { type: lib.CKA_ENCRYPT, value: true },
        { type: lib.CKA_DECRYPT, value: true },
      ]);
      this.reload();
      done();
    });
  }

  /** Destroys the key object in the token: irreversible, so retire calls it only when unused. */
  destroyKey(kid: string): Promise<string> {
    return new Promise((done) => {
      this.pkcs11.C_DestroyObject(this.session, this.handle(kid));
      this.keys.delete(kid);
      done(`Destroyed the key object labelled ${kid} in the HSM.`);
    });
  }

  /** Whether a key is sensitive and non-extractable, as the token reports it. */
  isNonExtractable(kid: string): boolean {
    const lib = this.lib;
    const [sensitive, extractable] = this.pkcs11.C_GetAttributeValue(
      this.session,
      this.handle(kid),
      [{ type: lib.CKA_SENSITIVE }, { type: lib.CKA_EXTRACTABLE }],
    );
    return sensitive.value[0] === 1 && extractable.value[0] === 0;
  }

  close(): Promise<void> {
    try {
      this.pkcs11.C_CloseSession(this.session);
    } finally {
      unloadModule(this.config.module);
    }
    return Promise.resolve();
  }

  private gcm(iv: Buffer, aad: Buffer): Pkcs11Js.Mechanism {
    const parameter: Pkcs11Js.AesGCM = {
      type: this.lib.CK_PARAMS_AES_GCM,
      iv,
      aad,
      ivBits: IV_BYTES * 8,
      tagBits: TAG_BYTES * 8,
    };
    return { mechanism: this.lib.CKM_AES_GCM, parameter };
  }

  private handle(kid: string): Pkcs11Js.Handle {
    let handle = this.keys.get(kid);
    if (!handle) {
      this.reload();
      handle = this.keys.get(kid);
    }
    if (!handle) {
      throw new Error(`Master key ${kid} is not in the HSM (${this.source})`);
    }
    return handle;
  }

  /** Every AES key on the token whose label is a valid key id. */
  private reload(): void {
    const lib = this.lib;
    const found = new Map<string, Pkcs11Js.Handle>();
    this.pkcs11.C_FindObjectsInit(this.session, [
      { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
      { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
    ]);
    try {
      for (let batch = this.pkcs11.C_FindObjects(this.session, 100); batch.length > 0;) {
        for (const handle of batch) {
          const [label] = this.pkcs11.C_GetAttributeValue(this.session, handle, [
            { type: lib.CKA_LABEL },
          ]);
          const kid = label.value.toString('utf8');
          if (KEY_ID_PATTERN.test(kid)) {
            found.set(kid, handle);
          }
        }
        batch = this.pkcs11.C_FindObjects(this.session, 100);
      }
    } finally {
      this.pkcs11.C_FindObjectsFinal(this.session);
    }
    this.keys = found;
  }
}

/** A module is initialised once per process; providers of the same module share it. */
const loadedModules = new Map<string, { pkcs11: Pkcs11Js.PKCS11; users: number }>();

function loadModule(lib: typeof Pkcs11Js, path: string): Pkcs11Js.PKCS11 {
  const loaded = loadedModules.get(path);
  if (loaded) {
    loaded.users++;
    return loaded.pkcs11;
  }
  const pkcs11 = new lib.PKCS11();
  try {
    pkcs11.load(path);
    pkcs11.C_Initialize();
  } catch (error) {
    throw new ConfigError(
      `Cannot load the PKCS#11 module ${path} (PKCS11_MODULE): ${(error as Error).message}`,
    );
  }
  loadedModules.set(path, { pkcs11, users: 1 });
  return pkcs11;
}

function unloadModule(path: string): void {
  const loaded = loadedModules.get(path);
  if (loaded && --loaded.users === 0) {
    loadedModules.delete(path);
    // Finalizing ends the login and every session of this process.
    loaded.pkcs11.C_Finalize();
  }
}

function findSlot(pkcs11: Pkcs11Js.PKCS11, config: Pkcs11Config): Pkcs11Js.Handle {
  const slots = pkcs11.C_GetSlotList(true);
  const slot =
    config.tokenLabel !== undefined
      ? slots.find(
          (candidate) => pkcs11.C_GetTokenInfo(candidate).label.trim() === config.tokenLabel,
        )
      : slots.find((candidate) => slotId(candidate) === BigInt(config.slot ?? -1));
  if (!slot) {
    throw new ConfigError(
      config.tokenLabel !== undefined
        ? `No PKCS#11 token labelled ${config.tokenLabel} (PKCS11_TOKEN_LABEL)`
        : `No PKCS#11 slot ${config.slot} with a token (PKCS11_SLOT)`,
    );
  }
  return slot;
}

/** pkcs11js hands slot ids over as native-endian CK_ULONG buffers. */
function slotId(handle: Pkcs11Js.Handle): bigint {
  return handle.length === 8 ? handle.readBigUInt64LE() : BigInt(handle.readUInt32LE());
}
