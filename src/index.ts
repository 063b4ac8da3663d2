export { CredentialsServiceModule } from './credentials-service.module';
export type { CredentialsServiceOptions } from './core/vault-options';
export { CredentialsService } from './credentials/credentials.service';
export type { CredentialPage } from './credentials/credentials.repository';
export { EncryptionProvider } from './core/encryption.provider';
export type { EncryptionContext } from './core/encryption.provider';
export { AesGcmEncryptionProvider } from './keys/aes-gcm-encryption.provider';
export { ConfigError, EncryptionKeyMismatchError } from './core/errors';
export {
  AUTH_FAILURE_REASONS,
  CREDENTIAL_OPERATIONS,
  KEY_OPERATIONS,
  VaultTelemetry,
} from './core/vault-telemetry';
export type { AuthFailureReason, CredentialOperation, KeyOperation } from './core/vault-telemetry';
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
export type { VaultMountOptions } from './core/vault-options';
export type { HostPrincipal } from './core/host-principal';
export { CredentialsClient } from './credentials/credentials-client';
export { CreateCredentialDto } from './credentials/dto/create-credential.dto';
export { UpdateCredentialDto } from './credentials/dto/update-credential.dto';
export { ListCredentialsQueryDto } from './credentials/dto/list-credentials-query.dto';
export { CredentialResponseDto } from './credentials/dto/credential-response.dto';
export { CredentialForEditResponseDto } from './credentials/dto/credential-for-edit-response.dto';
export {
  CredentialUsageInputDto,
  CredentialUsageResponseDto,
} from './credentials/usages/dto/credential-usage.dto';
export { CredentialInUseResponseDto } from './credentials/usages/dto/credential-in-use-response.dto';
export { UnavailableAnswerFilter } from './common/unavailable-answer.filter';
export { AuditRecorder } from './core/audit-recorder';
export type {
  AuditActor,
  AuditActorType,
  AuditDetailValue,
  AuditEventInput,
  AuditOutcome,
  AuditTarget,
} from './core/audit-recorder';
export { AuditContext } from './core/audit-context';
export type { AuditRequestContext } from './core/audit-context';
export { AUDIT_ACTIONS } from './core/audit-actions';
export type { AuditAction } from './core/audit-actions';
