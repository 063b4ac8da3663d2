import 'reflect-metadata';
import { resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { CREDENTIAL_TYPES_MODES, CredentialTypesMode } from '../credential-types/credential-type';
import { decodeAes256Key, AES_256_KEY_PATTERN } from './key-encoding';
import { KEY_ID_PATTERN, keyFingerprint, KeyringConfig, parseEncryptionKeys } from './keyring';
import { ConfigError } from './config-error';
import { ensureDataDir, loadOrCreateSecretFile } from './secret-files';

/** The environment variables the standalone server reads, with their rules. */
class EnvironmentVariables {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535) PORT?: number;

  @IsOptional() @IsString() @MinLength(1) HOST?: string;

  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;

  @IsOptional()
  @Matches(/^sqlite:.+/, {
    message: 'DATABASE_URL must be sqlite:<path> (PostgreSQL support comes in a later release)',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(AES_256_KEY_PATTERN, {
    message: 'ENCRYPTION_KEY must be the base64 of exactly 32 bytes',
  })
  ENCRYPTION_KEY?: string;

  /** Checked by `parseEncryptionKeys`, whose messages never echo the value. */
  @IsOptional() @IsString() ENCRYPTION_KEYS?: string;

  @IsOptional()
  @IsIn(['local', 'pkcs11'], { message: 'KEY_PROVIDER must be local or pkcs11' })
  KEY_PROVIDER?: string;

  @IsOptional() @IsString() @MinLength(1) PKCS11_MODULE?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'PKCS11_SLOT must be an integer' })
  @Min(0)
  PKCS11_SLOT?: number;

  @IsOptional() @IsString() @MinLength(1) PKCS11_TOKEN_LABEL?: string;

  @IsOptional() @IsString() @MinLength(1) PKCS11_PIN?: string;

  @IsOptional()
  @Matches(KEY_ID_PATTERN, {
    message: 'PKCS11_KEY_LABEL must be 1-64 letters, digits, - or _',
  })
  PKCS11_KEY_LABEL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 bytes' })
  JWT_SECRET?: string;

  @IsOptional() @IsString() NODE_ENV?: string;

  @IsOptional()
  @IsIn(CREDENTIAL_TYPES_MODES, { message: 'CREDENTIAL_TYPES must be strict or permissive' })
  CREDENTIAL_TYPES?: CredentialTypesMode;

  @IsOptional() @IsString() @MinLength(1) CREDENTIAL_TYPES_FILE?: string;
}

export type { KeyringConfig } from './keyring';

/** The first release's single key; superseded by `AppConfig.keyring`. */
export type EncryptionKeySource =
  { readonly kind: 'env'; readonly key: Buffer } | { readonly kind: 'file'; readonly path: string };

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly sqlitePath: string;
  /** The master keys (key-encryption keys) and where they live. */
  readonly keyring: KeyringConfig;
  /** @deprecated The first release's view of `keyring` (its active or legacy key); use `keyring`. */
  readonly encryptionKey: EncryptionKeySource;
  readonly jwtSecret: Buffer;
  readonly production: boolean;
  /** Whether credentials of an unknown type are refused (`strict`) or stored (`permissive`). */
  readonly credentialTypes: CredentialTypesMode;
  /** Custom credential types, checked when the server starts. */
  readonly credentialTypesFile?: string;
}

/**
 * Validates the environment and resolves what it implies. This is the only reader of
 * `process.env`. The data directory and a missing JWT secret file are created here; the
 * encryption key file is not, because whether it may be generated depends on the database.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, pickDefined(env));
  const problems = validateSync(vars).flatMap((error) => Object.values(error.constraints ?? {}));
  if (vars.NODE_ENV === 'production' && vars.JWT_SECRET === undefined) {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  }
  problems.push(...keyringProblems(vars));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  const dataDir = resolve(vars.DATA_DIR ?? './data');
  ensureDataDir(dataDir);
  const jwtSecret =
    vars.JWT_SECRET !== undefined
      ? Buffer.from(vars.JWT_SECRET, 'utf8')
      : loadOrCreateSecretFile(resolve(dataDir, 'jwt.secret'), 'JWT secret');

  const keyring = keyringConfig(vars, dataDir);
  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '127.0.0.1',
    dataDir,
    sqlitePath: vars.DATABASE_URL
      ? resolve(vars.DATABASE_URL.slice('sqlite:'.length))
      : resolve(dataDir, 'credentials.sqlite'),
    keyring,
    encryptionKey:
      keyring.kind === 'env'
        ? { kind: 'env', key: keyring.keys[0].key }
        : { kind: 'file', path: resolve(dataDir, 'encryption.key') },
    jwtSecret,
    production: vars.NODE_ENV === 'production',
    credentialTypes: vars.CREDENTIAL_TYPES ?? 'strict',
    ...(vars.CREDENTIAL_TYPES_FILE !== undefined
      ? { credentialTypesFile: resolve(vars.CREDENTIAL_TYPES_FILE) }
      : {}),
  };
}

/** Exactly one source of master keys: two would leave it ambiguous which one is meant. */
function keyringProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (vars.ENCRYPTION_KEYS !== undefined && vars.ENCRYPTION_KEY !== undefined) {
    problems.push('ENCRYPTION_KEYS and ENCRYPTION_KEY are both set: set exactly one of them');
  }
  if (vars.ENCRYPTION_KEYS !== undefined) {
    problems.push(...parseEncryptionKeys(vars.ENCRYPTION_KEYS).problems);
  }
  if (vars.KEY_PROVIDER === 'pkcs11') {
    if (vars.ENCRYPTION_KEYS !== undefined || vars.ENCRYPTION_KEY !== undefined) {
      problems.push(
        'KEY_PROVIDER=pkcs11 keeps the master keys in the HSM: unset ENCRYPTION_KEY(S)',
      );
    }
    for (const name of ['PKCS11_MODULE', 'PKCS11_PIN', 'PKCS11_KEY_LABEL'] as const) {
      if (vars[name] === undefined) {
        problems.push(`${name} is required when KEY_PROVIDER=pkcs11`);
      }
    }
    if ((vars.PKCS11_SLOT === undefined) === (vars.PKCS11_TOKEN_LABEL === undefined)) {
      problems.push(
        'Set exactly one of PKCS11_SLOT and PKCS11_TOKEN_LABEL when KEY_PROVIDER=pkcs11',
      );
    }
  }
  return problems;
}

function keyringConfig(vars: EnvironmentVariables, dataDir: string): KeyringConfig {
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

const VARIABLE_NAMES = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEYS',
  'KEY_PROVIDER',
  'PKCS11_MODULE',
  'PKCS11_SLOT',
  'PKCS11_TOKEN_LABEL',
  'PKCS11_PIN',
  'PKCS11_KEY_LABEL',
  'JWT_SECRET',
  'NODE_ENV',
  'CREDENTIAL_TYPES',
  'CREDENTIAL_TYPES_FILE',
] as const;

/** Only the variables we know, so unrelated ones never reach validation (or an error). */
function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of VARIABLE_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      picked[name] = value;
    }
  }
  return picked;
}
