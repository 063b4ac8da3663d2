import { EncryptionContext } from '../core/encryption.provider';
import { CredentialEntity } from './credential.entity';

/** What a credential's ciphertext is bound to: it decrypts only as this workspace's, this id's. */
export function encryptionContextOf(
  row: Pick<CredentialEntity, 'workspaceId' | 'id'>,
): EncryptionContext {
  return { workspaceId: row.workspaceId, credentialId: row.id };
}
