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

/** Where the AES-256 master key comes from. */
export type EncryptionKeySource =
  { readonly kind: 'env'; readonly key: Buffer } | { readonly kind: 'file'; readonly path: string };

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly sqlitePath: string;
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
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  const dataDir = resolve(vars.DATA_DIR ?? './data');
  ensureDataDir(dataDir);
  const jwtSecret =
    vars.JWT_SECRET !== undefined
      ? Buffer.from(vars.JWT_SECRET, 'utf8')
      : loadOrCreateSecretFile(resolve(dataDir, 'jwt.secret'), 'JWT secret');

  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? '127.0.0.1',
    dataDir,
    sqlitePath: vars.DATABASE_URL
      ? resolve(vars.DATABASE_URL.slice('sqlite:'.length))
      : resolve(dataDir, 'credentials.sqlite'),
    encryptionKey:
      vars.ENCRYPTION_KEY !== undefined
        ? { kind: 'env', key: decodeAes256Key(vars.ENCRYPTION_KEY) }
        : { kind: 'file', path: resolve(dataDir, 'encryption.key') },
    jwtSecret,
    production: vars.NODE_ENV === 'production',
    credentialTypes: vars.CREDENTIAL_TYPES ?? 'strict',
    ...(vars.CREDENTIAL_TYPES_FILE !== undefined
      ? { credentialTypesFile: resolve(vars.CREDENTIAL_TYPES_FILE) }
      : {}),
  };
}

const VARIABLE_NAMES = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'ENCRYPTION_KEY',
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
