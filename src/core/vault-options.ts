import type { Permission } from './permissions';
import { CredentialTypesMode } from './credential-types-mode';
import { EncryptionProvider } from './encryption.provider';
import type { KeyringConfig } from './keyring-config';
import type { HostPrincipal } from './host-principal';
import type { VaultTelemetry } from './vault-telemetry';

/** The asymmetric algorithms an external identity provider may sign with. */
export const EXTERNAL_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type ExternalAlgorithm = (typeof EXTERNAL_ALGORITHMS)[number];

/** An organisation's own identity provider whose tokens are accepted alongside ours. */
export interface ExternalIdpOptions {
  /** Where the provider publishes its signing keys (a JWKS). Give this or `publicKey`. */
  jwksUrl?: string;
  /** One PEM public key (SPKI), for providers without a JWKS. */
  publicKey?: string;
  /** The accepted signing algorithms. The token's `alg` header never widens this list. */
  algorithms: ExternalAlgorithm[];
  /** When set, the `iss` claim must equal it. */
  issuer?: string;
  /** When set, the `aud` claim must contain it. */
  audience?: string;
  /** The claim that names the caller's workspace. Default `workspaceId`. */
  workspaceClaim: string;
  /** The claim that lists the caller's permissions (an array, or a space-separated string). */
  permissionsClaim: string;
  /** What a token without the permissions claim may do. Default `credentials:view` only. */
  defaultPermissions: Permission[];
  /** The least time between two JWKS fetches caused by unknown key ids. Default 30. */
  jwksCooldownSeconds?: number;
}

/** An email and password for the first instance admin. */
export interface InitialAdminOptions {
  email: string;
  password: string;
}

/** What an application passes to `CredentialsServiceModule.forRoot()` / `forRootAsync()`. */
export interface CredentialsServiceOptions {
  /**
   * The AES-256 key that encrypts secrets at rest (exactly 32 bytes). Used by the default
   * AES-256-GCM provider; ignored when `encryption` is given.
   */
  encryptionKey?: Buffer;
  /** Your own `EncryptionProvider` (a KMS, an HSM) instead of the local AES-256-GCM key. */
  encryption?: EncryptionProvider;
  /**
   * Master keys that wrap a data key per workspace (the standalone server's key custody). When
   * set, `encryptionKey` and `encryption` are not used, and the start-up checks that every
   * master key the database refers to is present before anything is written.
   */
  keyring?: KeyringConfig;
  /**
   * Run the vault's migrations at start, right after the key check (the standalone server and
   * CLI do). A host that runs `CREDENTIALS_MIGRATIONS` itself leaves this off.
   */
  migrate?: boolean;
  /** The HS256 secret that bearer tokens are signed and verified with (at least 32 bytes). */
  jwtSecret: Buffer;
  /** Lifetime of the access tokens that login issues, in seconds. Default 900 (15 minutes). */
  accessTokenTtlSeconds?: number;
  /** Lifetime of a refresh token, in seconds. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * The key API keys are hashed with (HMAC-SHA-256). Default: derived from `jwtSecret`, so
   * changing the JWT secret without setting this invalidates every API key.
   */
  apiKeySecret?: Buffer;
  /** Created as owner of a workspace named "Default" when the database holds no user yet. */
  initialAdmin?: InitialAdminOptions;
  /** Accept tokens from an external identity provider too. */
  externalIdp?: ExternalIdpOptions;
  /** Failed logins allowed per email and per client address before 429. */
  loginThrottle?: LoginThrottleOptions;
  /**
   * `strict` (the default) stores only credentials of a known type: the built-in Flowise
   * catalogue, its aliases and `credentialTypesFile`. `permissive` also stores unknown types,
   * with only the generic checks. Known types are checked in both modes.
   */
  credentialTypes?: CredentialTypesMode;
  /**
   * A JSON file `{"types": [...]}` of custom credential types in the catalogue's shape. It is
   * read and checked when the module starts; a bad file stops the start. Redefining a built-in
   * type needs `"override": true` on the entry.
   */
  credentialTypesFile?: string;
  /** How long the first answer to a request with an `Idempotency-Key` is kept, in seconds. Default 24 h. */
  idempotencyTtlSeconds?: number;
  /**
   * A Redis server the replicas share: it carries the invalidations (pub/sub) and counts login
   * attempts. Default: PostgreSQL LISTEN/NOTIFY on a PostgreSQL DataSource, else (SQLite) the
   * `vault_invalidation` table read every `invalidation.pollIntervalMs`; attempts in the database.
   */
  redisUrl?: string;
  /** How the replicas tell each other what to drop from their caches (revocations, keys). */
  invalidation?: InvalidationOptions;
  /**
   * Where refused sign-ins, credential and key operations and audit write failures are counted
   * (e.g. your metrics library). Default: nothing is recorded.
   */
  telemetry?: VaultTelemetry;
  /**
   * Audit events older than this many days are pruned (hourly, and at start), leaving a signed
   * checkpoint of the chain at the cut so the rest still verifies. Default: kept forever.
   */
  auditRetentionDays?: number;
  /**
   * Lets the host's own authentication authorise vault requests: called with the request (after
   * the host's guards ran, so `request.user` is set) on every vault route. Return the caller, or
   * `undefined` to fall back to the vault's own bearer tokens (`jwtSecret`, API keys).
   */
  // A method signature, so a host may type `request` as its own request type (bivariant).
  resolvePrincipal?(
    request: unknown,
  ): HostPrincipal | undefined | Promise<HostPrincipal | undefined>;
}

export interface InvalidationOptions {
  /** How often the table is read when no channel carries events. Default 250. */
  pollIntervalMs?: number;
}

/** Which routes the vault mounts, and where: fixed when the module is composed. */
export interface VaultMountOptions {
  /**
   * `all` (the default): the credentials API, the credential-types API and the identity routes
   * (`/auth`, `/users`, `/workspaces`). `credentials`: the credentials and credential-types APIs
   * only, for a host that brings its own users and authorises through `resolvePrincipal`.
   */
  routes?: 'all' | 'credentials';
  /** A path every vault route is mounted under, e.g. `vault` (after the host's global prefix). */
  routePrefix?: string;
  /**
   * The name of the host's TypeORM DataSource that holds the vault's tables, as
   * `TypeOrmModule.forRoot({ name })` gave it. Default: the default DataSource.
   */
  dataSource?: string;
}

export interface LoginThrottleOptions {
  /** Failures per email within the window. Default 5. */
  maxFailuresPerEmail?: number;
  /** Failures per client address within the window. Default 20. */
  maxFailuresPerAddress?: number;
  /** The window, in seconds. Default 900. */
  windowSeconds?: number;
}
