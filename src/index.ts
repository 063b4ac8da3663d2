export { CredentialsServiceModule } from './credentials-service.module';
export type { CredentialsServiceOptions } from './core/credentials-service.options';
export { CredentialsService } from './credentials/credentials.service';
export type { CredentialPage } from './credentials/credentials.repository';
export { EncryptionProvider } from './credentials/encryption/encryption.provider';
export type { EncryptionContext } from './credentials/encryption/encryption.provider';
export { AesGcmEncryptionProvider } from './credentials/encryption/aes-gcm-encryption.provider';
export { EncryptionKeyMismatchError } from './credentials/encryption/key-canary';
export { JwtAuthGuard } from './auth/jwt-auth.guard';
export type { Principal } from './auth/principal';
export { CurrentWorkspace } from './workspace/current-workspace.decorator';
export { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './database/schema';
export type { PlainData } from './credentials/plain-data';
export { KeyHierarchy } from './keys/key-hierarchy';
export { KeyHierarchyEncryptionProvider } from './keys/key-hierarchy-encryption.provider';
export type { MasterKeyInfo, MasterKeyProvider } from './keys/master-key.provider';
export { LocalKeyringProvider } from './keys/local-keyring.provider';
export { CredentialTypesRegistry } from './credential-types/credential-types.registry';
export type {
  CredentialTypeDefinition,
  CredentialTypeInput,
  CredentialTypesMode,
} from './credential-types/credential-type';
export { PermissionsGuard } from './auth/permissions.guard';
export { RequirePermissions } from './auth/require-permissions.decorator';
export { CurrentPrincipal } from './auth/current-principal.decorator';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS } from './auth/permissions';
export type { Permission, Role } from './auth/permissions';
export type {
  ExternalIdpOptions,
  InitialAdminOptions,
  LoginThrottleOptions,
} from './core/credentials-service.options';
