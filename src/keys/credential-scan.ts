import { DataSource } from 'typeorm';
import { CredentialEntity } from '../credentials/credential.entity';

export type ScannedCredential = Pick<
  CredentialEntity,
  'id' | 'workspaceId' | 'encryptedData' | 'version'
>;

/**
 * Visits credential rows in id order, one batch at a time (keyset paging: stable while other
 * processes write, and no long-running read transaction).
 */
export async function scanCredentials(
  dataSource: DataSource,
  options: { workspaceId?: string; batchSize: number },
  visit: (batch: ScannedCredential[]) => Promise<void>,
): Promise<void> {
  let after = '';
  for (;;) {
    const query = dataSource
      .getRepository(CredentialEntity)
      .createQueryBuilder('credential')
      .select([
        'credential.id',
        'credential.workspaceId',
        'credential.encryptedData',
        'credential.version',
      ])
      .where('credential.id > :after', { after })
      .orderBy('credential.id', 'ASC')
      .limit(options.batchSize);
    if (options.workspaceId !== undefined) {
      query.andWhere('credential.workspaceId = :workspaceId', {
        workspaceId: options.workspaceId,
      });
    }
    const batch = await query.getMany();
    if (batch.length === 0) {
      return;
    }
    await visit(batch);
    after = batch[batch.length - 1].id;
  }
}

export async function countCredentials(
  dataSource: DataSource,
  workspaceId?: string,
): Promise<number> {
  return dataSource
    .getRepository(CredentialEntity)
    .countBy(workspaceId === undefined ? {} : { workspaceId });
}

/** Every workspace that has credentials or data keys (not the vault's own canary key). */
export async function listWorkspaceIds(dataSource: DataSource): Promise<string[]> {
  const fromCredentials = await dataSource
    .createQueryBuilder()
    .select('DISTINCT credential.workspaceId', 'workspaceId')
    .from('credential', 'credential')
    .getRawMany<{ workspaceId: string }>();
  const fromDataKeys = await dataSource
    .createQueryBuilder()
    .select('DISTINCT dataKey.workspaceId', 'workspaceId')
    .from('workspace_data_key', 'dataKey')
    .getRawMany<{ workspaceId: string }>();
  const ids = new Set([...fromCredentials, ...fromDataKeys].map((row) => row.workspaceId));
  ids.delete('');
  return [...ids].sort();
}
