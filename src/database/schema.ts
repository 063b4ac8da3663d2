import { CredentialEntity } from '../credentials/credential.entity';
import { VaultMetaEntity } from '../credentials/encryption/vault-meta.entity';
import { CreateCredentials1764201600000 } from './migrations/1764201600000-create-credentials';
import { CreateWorkspaceDataKeys1764288000000 } from './migrations/1764288000000-create-workspace-data-keys';
import { WorkspaceDataKeyEntity } from '../keys/workspace-data-key.entity';

/** The entities a host's DataSource must hold (or load with `autoLoadEntities`). */
export const CREDENTIALS_ENTITIES = [CredentialEntity, VaultMetaEntity, WorkspaceDataKeyEntity];

/** Every schema migration, in order. The schema comes only from these, never `synchronize`. */
export const CREDENTIALS_MIGRATIONS = [
  CreateCredentials1764201600000,
  CreateWorkspaceDataKeys1764288000000,
];
