export { CredentialsServiceModule } from './credentials-service.module';
export type { CredentialsServiceOptions } from './core/vault-options';
export { CredentialsService } from './credentials/credentials.service';
export type { CredentialPage } from './credentials/credentials.repository';
export { EncryptionProvider } from './core/encryption.provider';
export type { EncryptionContext } from './core/encryption.provider';
export { AesGcmEncryptionProvider } from './keys/aes-gcm-encryption.provider';
export { ConfigError, EncryptionKeyMismatchError } from './core/errors';
export { JwtAuthGuard } from './auth/jwt-auth.guard';
export type { Principal } from './core/principal';
export { CurrentWorkspace } from './auth/current-workspace.decorator';
export { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './database/schema';
export type { PlainData } from './core/plain-data';
export { KeyHierarchy } from './keys/key-hierarchy';
export { KeyHierarchyEncryptionProvider } from './keys/key-hierarchy-encryption.provider';
export type { MasterKeyInfo, MasterKeyProvider } from './keys/master-key.provider';
export { LocalKeyringProvider } from './keys/local-keyring.provider';
export { CredentialTypesRegistry } from './credential-types/credential-types.registry';
export type {
  CredentialTypeDefinition,
  CredentialTypeInput,
} from './credential-types/credential-type';
export type { CredentialTypesMode } from './core/credential-types-mode';
export { PermissionsGuard } from './auth/permissions.guard';
export { RequirePermissions } from './auth/require-permissions.decorator';
export { CurrentPrincipal } from './auth/current-principal.decorator';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS } from './core/permissions';
export type { Permission, Role } from './core/permissions';
export type {
  ExternalIdpOptions,
  InitialAdminOptions,
  LoginThrottleOptions,
} from './core/vault-options';
