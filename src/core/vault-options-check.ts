import { ConfigError } from './errors';
import { CredentialsServiceOptions } from './vault-options';

const MIN_JWT_SECRET_BYTES = 32;

/**
 * Refuses options an embedding app could get wrong silently, before anything uses them; the
 * messages name the module's options (the server checks its environment variables itself).
 */
export function assertVaultOptions(options: CredentialsServiceOptions): CredentialsServiceOptions {
  const problems: string[] = [];
  if (!Buffer.isBuffer(options.jwtSecret)) {
    problems.push('jwtSecret is required (a Buffer of at least 32 random bytes)');
  } else if (options.jwtSecret.length < MIN_JWT_SECRET_BYTES) {
    problems.push(
      `jwtSecret must be at least ${MIN_JWT_SECRET_BYTES} bytes (it has ${options.jwtSecret.length})`,
    );
  }
  if (options.apiKeySecret !== undefined && options.apiKeySecret.length < MIN_JWT_SECRET_BYTES) {
    problems.push(`apiKeySecret must be at least ${MIN_JWT_SECRET_BYTES} bytes`);
  }
  if (options.resolvePrincipal !== undefined && typeof options.resolvePrincipal !== 'function') {
    problems.push(
      'resolvePrincipal must be a function (request) => { subject, workspaceId, permissions }',
    );
  }
  if (options.telemetry !== undefined && !isTelemetry(options.telemetry)) {
    problems.push(
      'telemetry must implement VaultTelemetry: authFailed, credentialOperation, keyOperation, ' +
        'auditWriteFailed',
    );
  }
  const retention = options.auditRetentionDays;
  if (retention !== undefined && !(Number.isInteger(retention) && retention >= 1)) {
    problems.push('auditRetentionDays must be a whole number of days, at least 1');
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `Invalid CredentialsServiceModule options:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return options;
}

function isTelemetry(value: unknown): boolean {
  const methods = ['authFailed', 'credentialOperation', 'keyOperation', 'auditWriteFailed'];
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}

/** Runs when the module starts (Nest builds every provider, injected or not). */
export const VAULT_OPTIONS_CHECK = Symbol('VaultOptionsCheck');
