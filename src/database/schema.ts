import { AuditChainEntity } from '../audit/audit-chain.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { CreateAuditTrail1764800000000 } from './migrations/1764800000000-create-audit-trail';
import { CreateAuditedCredentialWrite1764900000000 } from './migrations/1764900000000-create-audited-credential-write';
import { LockAuditHeadFirst1765000000000 } from './migrations/1765000000000-lock-audit-head-first';
import { UsagesGoWithTheirCredential1765100000000 } from './migrations/1765100000000-usages-go-with-their-credential';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { RefreshTokenEntity } from '../session/refresh-token.entity';
import { CredentialEntity } from '../credentials/credential.entity';
import { VaultMetaEntity } from '../keys/vault-meta.entity';
import { WorkspaceDataKeyEntity } from '../keys/workspace-data-key.entity';
import { UserEntity } from '../users/user.entity';
import { WorkspaceMemberEntity } from '../workspace/workspace-member.entity';
import { WorkspaceTombstoneEntity } from '../workspace/workspace-tombstone.entity';
import { WorkspaceEntity } from '../workspace/workspace.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { CredentialUsageEntity } from '../credentials/usages/credential-usage.entity';
import { CreateCredentials1764201600000 } from './migrations/1764201600000-create-credentials';
import { CreateWorkspaceDataKeys1764288000000 } from './migrations/1764288000000-create-workspace-data-keys';
import { CreateIdentity1764374400000 } from './migrations/1764374400000-create-identity';
import { CreateCredentialCounts1764460800000 } from './migrations/1764460800000-create-credential-counts';
import { CreateWorkspaceTombstones1764547200000 } from './migrations/1764547200000-create-workspace-tombstones';
import { PrefixTableNames1764700000000 } from './migrations/1764700000000-prefix-table-names';
import { CreateIdempotencyKeys1764620000000 } from './migrations/1764620000000-create-idempotency-keys';
import { CreateInvalidationLog1764640000000 } from './migrations/1764640000000-create-invalidation-log';
import { CreateLoginAttempts1764640001000 } from './migrations/1764640001000-create-login-attempts';
import { InvalidationLogEntity } from '../replication/invalidation-log.entity';
import { LoginAttemptEntity } from '../session/login-attempt.entity';
import { CreateCredentialUsages1764660000000 } from './migrations/1764660000000-create-credential-usages';

/** The entities a host's DataSource must hold (or load with `autoLoadEntities`). */
export const CREDENTIALS_ENTITIES = [
  CredentialEntity,
  VaultMetaEntity,
  WorkspaceDataKeyEntity,
  UserEntity,
  WorkspaceEntity,
  WorkspaceMemberEntity,
  WorkspaceTombstoneEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  IdempotencyKeyEntity,
  InvalidationLogEntity,
  LoginAttemptEntity,
  CredentialUsageEntity,
  AuditEventEntity,
  AuditChainEntity,
];

/** Every schema migration, in order. The schema comes only from these, never `synchronize`. */
export const CREDENTIALS_MIGRATIONS = [
  CreateCredentials1764201600000,
  CreateWorkspaceDataKeys1764288000000,
  CreateIdentity1764374400000,
  CreateCredentialCounts1764460800000,
  CreateWorkspaceTombstones1764547200000,
  CreateIdempotencyKeys1764620000000,
  CreateInvalidationLog1764640000000,
  CreateLoginAttempts1764640001000,
  CreateCredentialUsages1764660000000,
  PrefixTableNames1764700000000,
  CreateAuditTrail1764800000000,
  CreateAuditedCredentialWrite1764900000000,
  LockAuditHeadFirst1765000000000,
  UsagesGoWithTheirCredential1765100000000,
];
