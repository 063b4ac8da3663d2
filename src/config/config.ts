import 'reflect-metadata';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigError } from '../core/errors';
import { AppConfig } from './app-config';
import { identityProblems, keyringProblems } from './config-rules';
import { lifetimeProblems } from './lifetime-rules';
import { corsOriginsProblems, parseCorsOrigins } from './cors-origins';
import { databaseProblems, isPostgresUrl, postgresStoreOf } from './database-config';
import { parseDuration } from './duration';
import { EnvironmentVariables, environmentVariableNames } from './env-schema';
import { externalIdpOf } from './external-idp-config';
import { keyringConfig } from './keyring-source';
import { DEFAULT_LOG_SETTINGS, LogFormat, LogLevelName } from './log-settings';
import { ensureDataDir, loadOrCreateSecretFile } from './secret-files';

export type { AppConfig, EncryptionKeySource, PostgresStore } from './app-config';
export type { LogSettings } from './log-settings';

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
  problems.push(...databaseProblems(vars));
  problems.push(...lifetimeProblems(vars));
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
    sqlitePath:
      vars.DATABASE_URL && !isPostgresUrl(vars.DATABASE_URL)
        ? resolve(vars.DATABASE_URL.slice('sqlite:'.length))
        : resolve(dataDir, 'credentials.sqlite'),
    ...(isPostgresUrl(vars.DATABASE_URL) ? { postgres: postgresStoreOf(vars) } : {}),
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
    rateLimit: {
      limit: vars.RATE_LIMIT ?? 1000,
      windowSeconds: parseDuration(vars.RATE_LIMIT_WINDOW ?? '1m'),
    },
    credentialTypes: vars.CREDENTIAL_TYPES ?? 'strict',
    ...(vars.CREDENTIAL_TYPES_FILE !== undefined
      ? { credentialTypesFile: resolve(vars.CREDENTIAL_TYPES_FILE) }
      : {}),
    corsOrigins: parseCorsOrigins(vars.CORS_ORIGINS),
    idempotencyTtlSeconds: parseDuration(vars.IDEMPOTENCY_TTL ?? '24h'),
    shutdown: {
      delaySeconds: parseDuration(vars.SHUTDOWN_DELAY ?? '0'),
      timeoutSeconds: parseDuration(vars.SHUTDOWN_TIMEOUT ?? '10s'),
    },
    ...(vars.REDIS_URL !== undefined ? { redisUrl: vars.REDIS_URL } : {}),
    log: {
      // Validated against LOG_LEVELS and LOG_FORMATS above.
      level: (vars.LOG_LEVEL as LogLevelName | undefined) ?? DEFAULT_LOG_SETTINGS.level,
      format: (vars.LOG_FORMAT as LogFormat | undefined) ?? DEFAULT_LOG_SETTINGS.format,
    },
    ...(vars.METRICS_TOKEN !== undefined
      ? { metrics: { token: Buffer.from(vars.METRICS_TOKEN, 'utf8') } }
      : {}),
    ...(vars.AUDIT_RETENTION_DAYS !== undefined
      ? { auditRetentionDays: vars.AUDIT_RETENTION_DAYS }
      : {}),
  };
}

/** Only the variables we know, so unrelated ones never reach validation (or an error). */
function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of environmentVariableNames()) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      picked[name] = value;
    }
  }
  return picked;
}
