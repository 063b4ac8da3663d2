/**
 * Why an authentication was refused. A fixed set, so a metric labelled with it stays small and
 * never carries a token, an email or anything else a client sent.
 */
export const AUTH_FAILURE_REASONS = [
  'missing_token',
  'bad_token',
  'expired_token',
  'revoked_token',
  'deleted_workspace',
  'bad_api_key',
  'expired_api_key',
  'bad_password',
  'throttled',
  'bad_refresh_token',
  'refresh_token_reuse',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** A credential operation that completed (`reveal`: plaintext handed to an in-process caller). */
export const CREDENTIAL_OPERATIONS = [
  'create',
  'update',
  'delete',
  'get',
  'list',
  'reveal',
] as const;
export type CredentialOperation = (typeof CREDENTIAL_OPERATIONS)[number];

/** What key custody did: `data_key_unwrapped` is a miss of the in-memory data-key cache. */
export const KEY_OPERATIONS = [
  'data_key_created',
  'data_key_unwrapped',
  'data_key_unwrap_failed',
  'data_key_rewrapped',
  'data_key_rotation',
  'master_key_rotation',
  'master_key_retired',
] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

/**
 * Where the vault reports what an operator counts: refused sign-ins, credential and key
 * operations, lost audit events. The default records nothing; the standalone server binds a
 * Prometheus implementation, and a host may pass its own as the `telemetry` option. Methods are
 * called on hot paths: an implementation must be synchronous and cheap, and must never throw.
 */
export abstract class VaultTelemetry {
  abstract authFailed(reason: AuthFailureReason): void;
  abstract credentialOperation(operation: CredentialOperation): void;
  abstract keyOperation(operation: KeyOperation): void;
  /** An audit event could not be written (the audited change was refused). */
  abstract auditWriteFailed(): void;
}

/** Records nothing: the vault embedded in a host that did not ask for telemetry. */
export class SilentVaultTelemetry extends VaultTelemetry {
  authFailed(): void {}
  credentialOperation(): void {}
  keyOperation(): void {}
  auditWriteFailed(): void {}
}
