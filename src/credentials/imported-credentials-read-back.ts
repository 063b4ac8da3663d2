import { Inject, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { In, Repository } from 'typeorm';
import { encryptionContextOf, EncryptionProvider } from '../core/encryption.provider';
import { withoutRedactedValues } from '../core/plain-data';
import { InjectVaultRepository } from '../core/vault-data-source';
import { CredentialEntity } from './credential.entity';
import { ImportedCredential } from './credential-transfer.service';

/** A credential that did not read back as it was imported, and why (never a value). */
export interface ReadBackFailure {
  readonly id: string;
  readonly reason: string;
}

/**
 * Reads back what an import wrote, a batch at a time, and compares each credential with its
 * original inside the process. The answer says which differ, never a secret, so no reveal is
 * recorded per credential (the import's own event, `credentials.imported`, says what came in).
 */
@Injectable()
export class ImportedCredentialsReadBack {
  constructor(
    @InjectVaultRepository(CredentialEntity)
    private readonly credentials: Repository<CredentialEntity>,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
  ) {}

  /** The ones that are missing, do not decrypt under this vault's keys or differ. */
  async failures(originals: readonly ImportedCredential[]): Promise<ReadBackFailure[]> {
    const rows = await this.credentials.findBy({ id: In(originals.map(({ id }) => id)) });
    const stored = new Map(rows.map((row) => [row.id, row]));
    const failures: ReadBackFailure[] = [];
    for (const original of originals) {
      const row = stored.get(original.id);
      const reason =
        row?.workspaceId === original.workspaceId
          ? await this.difference(row, original)
          : `Credential ${original.id} not found`;
      if (reason !== undefined) {
        failures.push({ id: original.id, reason });
      }
    }
    return failures;
  }

  private async difference(
    row: CredentialEntity,
    original: ImportedCredential,
  ): Promise<string | undefined> {
    let plainData: unknown;
    try {
      plainData = JSON.parse(
        await this.encryption.decrypt(row.encryptedData, encryptionContextOf(row)),
      );
    } catch {
      return "does not decrypt under this vault's keys";
    }
    const same =
      row.name === original.name &&
      row.credentialName === original.credentialName &&
      row.createdDate.getTime() === original.createdDate.getTime() &&
      row.updatedDate.getTime() === original.updatedDate.getTime() &&
      isDeepStrictEqual(plainData, withoutRedactedValues(original.plainData));
    return same ? undefined : 'differs from its original';
  }
}
