import type { KeyringConfig } from '../core/keyring-config';
import type { CredentialTypesMode } from '../core/credential-types-mode';
import type { ExternalIdpOptions } from '../core/vault-options';
import type { LogSettings } from './log-settings';

/** The first release's single key; superseded by `AppConfig.keyring`. */
export type EncryptionKeySource =
  { readonly kind: 'env'; readonly key: Buffer } | { readonly kind: 'file'; readonly path: string };

/** A PostgreSQL database (`DATABASE_URL=postgres://…`). The URL may hold a password: never log it. */
export interface PostgresStore {
  /** The connection URL without its sslmode, which `ssl` carries. */
  readonly url: string;
  /** TLS for the connections, as sslmode and DATABASE_CA_FILE ask; undefined: plain TCP. */
  readonly ssl?: {
    readonly rejectUnauthorized: boolean;
    readonly ca?: string;
    readonly checkServerIdentity?: () => undefined;
  };
  readonly poolSize: number;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The SQLite file; unused when `postgres` is set. */
  readonly sqlitePath: string;
  /** Set when DATABASE_URL names a PostgreSQL database: the store is then PostgreSQL. */
  readonly postgres?: PostgresStore;
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
  /** API requests per principal per window (`RATE_LIMIT`, `RATE_LIMIT_WINDOW`; limit 0: off). */
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number };
  /** Whether credentials of an unknown type are refused (`strict`) or stored (`permissive`). */
  readonly credentialTypes: CredentialTypesMode;
  /** Custom credential types, checked when the server starts. */
  readonly credentialTypesFile?: string;
  /** `REDIS_URL`: the replicas' invalidation channel, instead of PostgreSQL LISTEN/NOTIFY. */
  readonly redisUrl?: string;
  /** `AUDIT_RETENTION_DAYS`: audit events older than this are pruned; unset: kept forever. */
  readonly auditRetentionDays?: number;
  /** `CORS_ORIGINS`: browser origins allowed to call the API; empty means no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** `IDEMPOTENCY_TTL`: how long an `Idempotency-Key`'s first answer is kept (default 24 h). */
  readonly idempotencyTtlSeconds: number;
  /** On SIGTERM: `SHUTDOWN_DELAY` of failing readiness while still serving (default 0), then a
   * drain; `SHUTDOWN_TIMEOUT` bounds the whole (default 10 s). */
  readonly shutdown: { readonly delaySeconds: number; readonly timeoutSeconds: number };
  /** `LOG_LEVEL` (default info) and `LOG_FORMAT` (default auto: JSON unless on a terminal). */
  readonly log: LogSettings;
  /** `METRICS_TOKEN`: GET /metrics answers the bearer of this token; unset, metrics are off. */
  readonly metrics?: { readonly token: Buffer };
}
