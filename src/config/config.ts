import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import { resolve } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MaxLength,
  MinLength,
  validateSync,
} from 'class-validator';
import { CREDENTIAL_PERMISSIONS, Permission } from '../auth/permissions';
import {
  EXTERNAL_ALGORITHMS,
  ExternalAlgorithm,
  ExternalIdpOptions,
} from '../core/credentials-service.options';
import { CREDENTIAL_TYPES_MODES, CredentialTypesMode } from '../credential-types/credential-type';
import { decodeAes256Key, AES_256_KEY_PATTERN } from './key-encoding';
import { KEY_ID_PATTERN, keyFingerprint, KeyringConfig, parseEncryptionKeys } from './keyring';
import { ConfigError } from './config-error';
import { corsOriginsProblems, parseCorsOrigins } from './cors-origins';
import { ensureDataDir, loadOrCreateSecretFile } from './secret-files';

const DURATION_PATTERN = /^\d{1,9}[smhd]?$/;
const CLAIM_PATTERN = /^[A-Za-z0-9_:./-]{1,100}$/;

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
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  @MaxLength(256, { message: 'ADMIN_PASSWORD must be at most 256 characters' })
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'JWT_ACCESS_TTL must be a duration like 900, 15m or 1h' })
  JWT_ACCESS_TTL?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'JWT_REFRESH_TTL must be a duration like 12h or 30d' })
  JWT_REFRESH_TTL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'API_KEY_SECRET must be at least 32 bytes' })
  API_KEY_SECRET?: string;

  @IsOptional() @IsString() JWT_JWKS_URL?: string;

  @IsOptional() @IsString() JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @Matches(/^\s*(RS256|ES256|EdDSA)(\s*,\s*(RS256|ES256|EdDSA))*\s*$/, {
    message: `JWT_ALGORITHMS must be a comma-separated list of ${EXTERNAL_ALGORITHMS.join(', ')}`,
  })
  JWT_ALGORITHMS?: string;

  @IsOptional() @IsString() @MaxLength(2048) JWT_ISSUER?: string;

  @IsOptional() @IsString() @MaxLength(2048) JWT_AUDIENCE?: string;

  @IsOptional()
  @Matches(CLAIM_PATTERN, { message: 'JWT_WORKSPACE_CLAIM must be a claim name' })
  JWT_WORKSPACE_CLAIM?: string;

  @IsOptional()
  @Matches(CLAIM_PATTERN, { message: 'JWT_PERMISSIONS_CLAIM must be a claim name' })
  JWT_PERMISSIONS_CLAIM?: string;

  @IsOptional()
  @Matches(
    /^\s*credentials:(view|create|update|delete)(\s*,\s*credentials:(view|create|update|delete))*\s*$/,
    {
      message:
        'JWT_DEFAULT_PERMISSIONS must be a comma-separated list of credentials:view, credentials:create, credentials:update, credentials:delete',
    },
  )
  JWT_DEFAULT_PERMISSIONS?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3600) JWT_JWKS_COOLDOWN_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES_PER_EMAIL?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_MAX_FAILURES_PER_ADDRESS?: number;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'LOGIN_THROTTLE_WINDOW must be a duration like 15m' })
  LOGIN_THROTTLE_WINDOW?: string;

  @IsOptional()
  @IsIn(CREDENTIAL_TYPES_MODES, { message: 'CREDENTIAL_TYPES must be strict or permissive' })
  CREDENTIAL_TYPES?: CredentialTypesMode;

  @IsOptional() @IsString() @MinLength(1) CREDENTIAL_TYPES_FILE?: string;

  @IsOptional() @IsString() CORS_ORIGINS?: string;
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
  /** Lifetime of the access tokens that login issues (`JWT_ACCESS_TTL`, default 15 minutes). */
  readonly accessTokenTtlSeconds: number;
  /** Lifetime of a refresh token (`JWT_REFRESH_TTL`, default 30 days). */
  readonly refreshTokenTtlSeconds: number;
  /** `ADMIN_EMAIL` + `ADMIN_PASSWORD`: the instance admin created on a first start. */
  readonly initialAdmin?: { readonly email: string; readonly password: string };
  /** `API_KEY_SECRET`; when unset, API keys are hashed with a key derived from the JWT secret. */
  readonly apiKeySecret?: Buffer;
  /** An organisation's own identity provider, when `JWT_JWKS_URL` or `JWT_PUBLIC_KEY` is set. */
  readonly externalIdp?: ExternalIdpOptions;
  /** Failed logins allowed per email / per client address within the window, before 429. */
  readonly loginThrottle: {
    readonly maxFailuresPerEmail: number;
    readonly maxFailuresPerAddress: number;
    readonly windowSeconds: number;
  };
  /** Whether credentials of an unknown type are refused (`strict`) or stored (`permissive`). */
  readonly credentialTypes: CredentialTypesMode;
  /** Custom credential types, checked when the server starts. */
  readonly credentialTypesFile?: string;
  /** `CORS_ORIGINS`: browser origins allowed to call the API; empty means no CORS headers. */
  readonly corsOrigins: readonly string[];
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
  problems.push(...identityProblems(vars));
  problems.push(...corsOriginsProblems(vars.CORS_ORIGINS));
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
    accessTokenTtlSeconds: parseDuration(vars.JWT_ACCESS_TTL ?? '15m'),
    refreshTokenTtlSeconds: parseDuration(vars.JWT_REFRESH_TTL ?? '30d'),
    initialAdmin:
      vars.ADMIN_EMAIL !== undefined && vars.ADMIN_PASSWORD !== undefined
        ? { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD }
        : undefined,
    apiKeySecret:
      vars.API_KEY_SECRET !== undefined ? Buffer.from(vars.API_KEY_SECRET, 'utf8') : undefined,
    externalIdp: externalIdpOf(vars),
    loginThrottle: {
      maxFailuresPerEmail: vars.LOGIN_MAX_FAILURES_PER_EMAIL ?? 5,
      maxFailuresPerAddress: vars.LOGIN_MAX_FAILURES_PER_ADDRESS ?? 20,
      windowSeconds: parseDuration(vars.LOGIN_THROTTLE_WINDOW ?? '15m'),
    },
    credentialTypes: vars.CREDENTIAL_TYPES ?? 'strict',
    ...(vars.CREDENTIAL_TYPES_FILE !== undefined
      ? { credentialTypesFile: resolve(vars.CREDENTIAL_TYPES_FILE) }
      : {}),
    corsOrigins: parseCorsOrigins(vars.CORS_ORIGINS),
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

/** Seconds from `900`, `90s`, `15m`, `1h` or `7d`. */
function parseDuration(value: string): number {
  const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;
  const unit = /[smhd]$/.test(value) ? (value.slice(-1) as keyof typeof unitSeconds) : 's';
  return (
    Number(unit === 's' && !value.endsWith('s') ? value : value.slice(0, -1)) * unitSeconds[unit]
  );
}

const EXTERNAL_ONLY_VARIABLES = [
  'JWT_ALGORITHMS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_WORKSPACE_CLAIM',
  'JWT_PERMISSIONS_CLAIM',
  'JWT_DEFAULT_PERMISSIONS',
  'JWT_JWKS_COOLDOWN_SECONDS',
] as const;

/** The rules that span several variables. Messages name variables, never their values. */
function identityProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if ((vars.ADMIN_EMAIL === undefined) !== (vars.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  for (const name of ['JWT_ACCESS_TTL', 'JWT_REFRESH_TTL', 'LOGIN_THROTTLE_WINDOW'] as const) {
    const value = vars[name];
    if (value !== undefined && DURATION_PATTERN.test(value) && parseDuration(value) < 1) {
      problems.push(`${name} must be at least 1 second`);
    }
  }
  if (vars.JWT_JWKS_URL !== undefined && vars.JWT_PUBLIC_KEY !== undefined) {
    problems.push('Set JWT_JWKS_URL or JWT_PUBLIC_KEY, not both');
  }
  if (vars.JWT_JWKS_URL !== undefined && !isAcceptableJwksUrl(vars.JWT_JWKS_URL)) {
    problems.push('JWT_JWKS_URL must be an https URL (http is accepted for localhost only)');
  }
  if (vars.JWT_PUBLIC_KEY !== undefined && !isPublicKeyPem(vars.JWT_PUBLIC_KEY)) {
    problems.push('JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  if (vars.JWT_JWKS_URL === undefined && vars.JWT_PUBLIC_KEY === undefined) {
    for (const name of EXTERNAL_ONLY_VARIABLES) {
      if (vars[name] !== undefined) {
        problems.push(`${name} needs JWT_JWKS_URL or JWT_PUBLIC_KEY`);
      }
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

function isAcceptableJwksUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && local);
}

function isPublicKeyPem(value: string): boolean {
  try {
    return createPublicKey(value.replace(/\\n/g, '\n')).type === 'public';
  } catch {
    return false;
  }
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function externalIdpOf(vars: EnvironmentVariables): ExternalIdpOptions | undefined {
  if (vars.JWT_JWKS_URL === undefined && vars.JWT_PUBLIC_KEY === undefined) {
    return undefined;
  }
  return {
    jwksUrl: vars.JWT_JWKS_URL,
    // Environment files often hold a PEM on one line with literal \n separators.
    publicKey: vars.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    algorithms: [...new Set(listOf(vars.JWT_ALGORITHMS ?? 'RS256'))] as ExternalAlgorithm[],
    issuer: vars.JWT_ISSUER,
    audience: vars.JWT_AUDIENCE,
    workspaceClaim: vars.JWT_WORKSPACE_CLAIM ?? 'workspaceId',
    permissionsClaim: vars.JWT_PERMISSIONS_CLAIM ?? 'permissions',
    defaultPermissions: vars.JWT_DEFAULT_PERMISSIONS
      ? (listOf(vars.JWT_DEFAULT_PERMISSIONS) as Permission[])
      : [CREDENTIAL_PERMISSIONS[0]],
    jwksCooldownSeconds: vars.JWT_JWKS_COOLDOWN_SECONDS ?? 30,
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
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'JWT_ACCESS_TTL',
  'JWT_REFRESH_TTL',
  'API_KEY_SECRET',
  'JWT_JWKS_URL',
  'JWT_PUBLIC_KEY',
  'LOGIN_MAX_FAILURES_PER_EMAIL',
  'LOGIN_MAX_FAILURES_PER_ADDRESS',
  'LOGIN_THROTTLE_WINDOW',
  ...EXTERNAL_ONLY_VARIABLES,
  'CREDENTIAL_TYPES',
  'CREDENTIAL_TYPES_FILE',
  'CORS_ORIGINS',
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
