import { DataSource, In, MoreThan } from 'typeorm';
import { CredentialEntity } from '../credentials/credential.entity';
import { plainDataProblems } from '../core/plain-data';
import { EncryptionProvider } from '../core/encryption.provider';
import { BundledCredential, BundleError } from './sealed-bundle';

export type ConflictPolicy = 'skip' | 'overwrite' | 'fail';

export interface ImportReport {
  readonly created: number;
  readonly overwritten: number;
  readonly skipped: number;
  readonly workspaces: string[];
}

const BATCH = 500;

/** Every credential (or one workspace's), decrypted for sealing; nothing is written anywhere. */
export async function collectCredentials(
  dataSource: DataSource,
  encryption: EncryptionProvider,
  workspaceId?: string,
): Promise<BundledCredential[]> {
  const repository = dataSource.getRepository(CredentialEntity);
  const collected: BundledCredential[] = [];
  const failures: string[] = [];
  let after = '';
  for (;;) {
    const rows = await repository.find({
      where: { id: MoreThan(after), ...(workspaceId === undefined ? {} : { workspaceId }) },
      order: { id: 'ASC' },
      take: BATCH,
    });
    if (rows.length === 0) {
      break;
    }
    for (const row of rows) {
      try {
        collected.push({
          id: row.id,
          name: row.name,
          credentialName: row.credentialName,
          workspaceId: row.workspaceId,
          createdDate: row.createdDate.toISOString(),
          updatedDate: row.updatedDate.toISOString(),
          plainDataJson: await encryption.decrypt(row.encryptedData, {
            workspaceId: row.workspaceId,
            credentialId: row.id,
          }),
        });
      } catch {
        failures.push(row.id);
      }
    }
    after = rows[rows.length - 1].id;
  }
  if (failures.length > 0) {
    throw new Error(
      `Cannot export: ${failures.length} credential(s) do not decrypt (run keys:verify), e.g. ` +
        failures.slice(0, 10).join(', '),
    );
  }
  return collected;
}

/**
 * Writes bundled credentials under this instance's keys, keeping ids, names and dates. All
 * checks run before the first write, and the writes share one transaction: an import either
 * happens whole or not at all.
 */
export async function importCredentials(
  dataSource: DataSource,
  encryption: EncryptionProvider,
  credentials: readonly BundledCredential[],
  options: { workspaceId?: string; onConflict: ConflictPolicy },
): Promise<ImportReport> {
  for (const credential of credentials) {
    assertImportable(credential);
  }
  const repository = dataSource.getRepository(CredentialEntity);
  const existing = new Map<string, CredentialEntity>();
  for (let i = 0; i < credentials.length; i += BATCH) {
    const ids = credentials.slice(i, i + BATCH).map((credential) => credential.id);
    for (const row of await repository.findBy({ id: In(ids) })) {
      existing.set(row.id, row);
    }
  }
  const targetOf = (credential: BundledCredential) => options.workspaceId ?? credential.workspaceId;
  const conflicts = credentials.filter((credential) => existing.has(credential.id));
  if (conflicts.length > 0 && options.onConflict === 'fail') {
    throw new BundleError(
      `${conflicts.length} credential id(s) already exist here, e.g. ` +
        `${conflicts
          .slice(0, 10)
          .map((credential) => credential.id)
          .join(', ')}. Nothing was ` +
        'imported; choose --on-conflict skip or overwrite.',
    );
  }
  const foreign = conflicts.filter(
    (credential) => existing.get(credential.id)?.workspaceId !== targetOf(credential),
  );
  if (foreign.length > 0 && options.onConflict === 'overwrite') {
    throw new BundleError(
      `${foreign.length} credential id(s) belong to another workspace here, e.g. ` +
        `${foreign
          .slice(0, 10)
          .map((credential) => credential.id)
          .join(', ')}: they cannot be ` +
        'overwritten. Nothing was imported; use --on-conflict skip to leave them.',
    );
  }
  const toWrite = credentials.filter(
    (credential) => !existing.has(credential.id) || options.onConflict === 'overwrite',
  );
  // Encrypt before the transaction: a new workspace's data key is made on first use.
  const rows: CredentialEntity[] = [];
  for (const credential of toWrite) {
    const workspaceId = targetOf(credential);
    const previous = existing.get(credential.id);
    rows.push({
      id: credential.id,
      name: credential.name,
      credentialName: credential.credentialName,
      workspaceId,
      encryptedData: await encryption.encrypt(credential.plainDataJson, {
        workspaceId,
        credentialId: credential.id,
      }),
      createdDate: new Date(credential.createdDate),
      updatedDate: new Date(credential.updatedDate),
      version: previous ? previous.version + 1 : 1,
    });
  }
  await dataSource.transaction(async (manager) => {
    for (const row of rows) {
      if (existing.has(row.id)) {
        await manager.update(CredentialEntity, { id: row.id, workspaceId: row.workspaceId }, row);
      } else {
        await manager.insert(CredentialEntity, row);
      }
    }
  });
  const overwritten = rows.filter((row) => existing.has(row.id)).length;
  return {
    created: rows.length - overwritten,
    overwritten,
    skipped: credentials.length - rows.length,
    workspaces: [...new Set(rows.map((row) => row.workspaceId))].sort(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertImportable(credential: BundledCredential): void {
  const valid =
    typeof credential === 'object' &&
    credential !== null &&
    typeof credential.id === 'string' &&
    UUID.test(credential.id) &&
    typeof credential.name === 'string' &&
    typeof credential.credentialName === 'string' &&
    typeof credential.workspaceId === 'string' &&
    credential.workspaceId !== '' &&
    !Number.isNaN(Date.parse(credential.createdDate)) &&
    !Number.isNaN(Date.parse(credential.updatedDate)) &&
    typeof credential.plainDataJson === 'string';
  let secretProblems: string[] = ['unreadable'];
  if (valid) {
    try {
      secretProblems = plainDataProblems(JSON.parse(credential.plainDataJson), {
        allowNull: false,
      });
    } catch {
      // stays 'unreadable'
    }
  }
  if (!valid || secretProblems.length > 0) {
    const id = valid ? credential.id : 'an entry';
    throw new BundleError(`The bundle holds an invalid credential (${id}); nothing was imported`);
  }
}
