import { ApiKeyEntity } from '../auth/api-key.entity';
import { RefreshTokenEntity } from '../session/refresh-token.entity';
import { CredentialEntity } from '../credentials/credential.entity';
import { VaultMetaEntity } from '../keys/vault-meta.entity';
import { WorkspaceDataKeyEntity } from '../keys/workspace-data-key.entity';
import { UserEntity } from '../users/user.entity';
import { WorkspaceMemberEntity } from '../workspace/workspace-member.entity';
import { WorkspaceEntity } from '../workspace/workspace.entity';
import { CreateCredentials1764201600000 } from './migrations/1764201600000-create-credentials';
import { CreateWorkspaceDataKeys1764288000000 } from './migrations/1764288000000-create-workspace-data-keys';
import { CreateIdentity1764374400000 } from './migrations/1764374400000-create-identity';
import { CreateCredentialCounts1764460800000 } from './migrations/1764460800000-create-credential-counts';

/** The entities a host's DataSource must hold (or load with `autoLoadEntities`). */
export const CREDENTIALS_ENTITIES = [
  CredentialEntity,
  VaultMetaEntity,
  WorkspaceDataKeyEntity,
  UserEntity,
  WorkspaceEntity,
  WorkspaceMemberEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
];

/** Every schema migration, in order. The schema comes only from these, never `synchronize`. */
export const CREDENTIALS_MIGRATIONS = [
  CreateCredentials1764201600000,
  CreateWorkspaceDataKeys1764288000000,
  CreateIdentity1764374400000,
  CreateCredentialCounts1764460800000,
];
