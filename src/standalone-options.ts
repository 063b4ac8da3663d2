import { AppConfig } from './config/config';
import { CredentialsServiceOptions } from './core/vault-options';

/**
 * The module options of the standalone server and of the operator CLI, from one configuration:
 * both run the same services, so both must see the same secrets and settings.
 */
export function standaloneOptions(config: AppConfig): CredentialsServiceOptions {
  return {
    keyring: config.keyring,
    migrate: true,
    jwtSecret: config.jwtSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    apiKeySecret: config.apiKeySecret,
    initialAdmin: config.initialAdmin,
    externalIdp: config.externalIdp,
    loginThrottle: config.loginThrottle,
    credentialTypes: config.credentialTypes,
    credentialTypesFile: config.credentialTypesFile,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    redisUrl: config.redisUrl,
    auditRetentionDays: config.auditRetentionDays,
  };
}
