import { Type } from 'class-transformer';
import {
  getMetadataStorage,
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
} from 'class-validator';
import { CREDENTIAL_TYPES_MODES, CredentialTypesMode } from '../core/credential-types-mode';
import { EXTERNAL_ALGORITHMS } from '../core/vault-options';
import { DURATION_PATTERN } from './duration';
import { AES_256_KEY_PATTERN } from './key-encoding';
import { KEY_ID_PATTERN } from './keyring';
import { LOG_FORMATS, LOG_LEVELS } from './log-settings';

const CLAIM_PATTERN = /^[A-Za-z0-9_:./-]{1,100}$/;
/** What an `Authorization: Bearer` header carries verbatim, long enough not to be guessed. */
const METRICS_TOKEN_PATTERN = /^[\x21-\x7e]{32,512}$/;

/** The environment variables the standalone server reads, with their rules. */
export class EnvironmentVariables {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535) PORT?: number;

  @IsOptional() @IsString() @MinLength(1) HOST?: string;

  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;

  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/i, {
    message: 'DATABASE_URL must be sqlite:<path> or postgres://user:password@host:port/database',
  })
  DATABASE_URL?: string;

  /** A CA certificate (PEM) to verify a PostgreSQL server's TLS certificate with. */
  @IsOptional() @IsString() @MinLength(1) DATABASE_CA_FILE?: string;

  /** Connections in the PostgreSQL pool (default 10). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) DATABASE_POOL_SIZE?: number;

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

  /** Audit events older than this are pruned, leaving a signed checkpoint; unset: kept forever. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  AUDIT_RETENTION_DAYS?: number;

  /** Redis carries the replicas' invalidations (pub/sub) instead of PostgreSQL LISTEN/NOTIFY. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** API requests allowed per principal (or client address) per window; 0 turns it off. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1000000) RATE_LIMIT?: number;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'RATE_LIMIT_WINDOW must be a duration like 1m' })
  RATE_LIMIT_WINDOW?: string;

  @IsOptional()
  @IsIn(CREDENTIAL_TYPES_MODES, { message: 'CREDENTIAL_TYPES must be strict or permissive' })
  CREDENTIAL_TYPES?: CredentialTypesMode;

  @IsOptional() @IsString() @MinLength(1) CREDENTIAL_TYPES_FILE?: string;

  @IsOptional() @IsString() CORS_ORIGINS?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'IDEMPOTENCY_TTL must be a duration like 24h' })
  IDEMPOTENCY_TTL?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'SHUTDOWN_TIMEOUT must be a duration like 10s' })
  SHUTDOWN_TIMEOUT?: string;

  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'SHUTDOWN_DELAY must be a duration like 5s' })
  SHUTDOWN_DELAY?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: string;

  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT?: string;

  /** The bearer token Prometheus sends to GET /metrics; unset: no metrics at all. */
  @IsOptional()
  @Matches(METRICS_TOKEN_PATTERN, {
    message:
      'METRICS_TOKEN must be 32 to 512 printable ASCII characters without spaces ' +
      '(e.g. the output of: openssl rand -hex 32)',
  })
  METRICS_TOKEN?: string;
}

/** The variables the schema declares: only these are read, so unrelated ones never reach it. */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    EnvironmentVariables,
    '',
    true,
    false,
  );
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}
