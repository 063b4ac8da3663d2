import { ConflictException, Injectable } from '@nestjs/common';
import { CredentialsService } from '../credentials.service';
import { CredentialUsagesService } from './credential-usages.service';

/**
 * A safe delete: a credential that something still uses is refused with 409 and the list of its
 * usages, unless the caller forces it; its usages go with it.
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
    if (options.force !== true) {
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
    await this.usages.removeAllOf(id.toLowerCase());
  }
}
