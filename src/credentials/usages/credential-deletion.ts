import { ConflictException, Injectable } from '@nestjs/common';
import { CredentialsService } from '../credentials.service';
import { CredentialUsagesService } from './credential-usages.service';

/**
 * A safe delete: a credential that something still uses is refused with 409 and the list of its
 * usages, unless the caller forces it; its usages go with it, in the statement that deletes it
 * (migration 1765100000000).
 */
@Injectable()
export class CredentialDeletion {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly usages: CredentialUsagesService,
  ) {}

  async remove(
    workspaceId: string,
    id: string,
    options: { force?: boolean; ifMatch?: number[] } = {},
  ): Promise<void> {
    // Ids are stored in lower case. Unused (the usual case), the delete itself answers 404 for a
    // credential that is not in the workspace; used, the lookup below does, before the 409.
    if (options.force !== true && (await this.usages.isInUse(id.toLowerCase()))) {
      const credential = await this.credentials.get(workspaceId, id);
      const usages = await this.usages.usagesOf(credential.id);
      if (usages.length > 0) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message:
            `Credential ${credential.id} is in use (${usages.length}); release its usages ` +
            'first, or delete with force=true',
          usages,
        });
      }
    }
    await this.credentials.remove(workspaceId, id, options.ifMatch);
  }
}
