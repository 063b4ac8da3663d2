import { Injectable, NotFoundException } from '@nestjs/common';
import { IdempotencyRecovery } from '../idempotency/idempotency-recovery';
import { StoredResponse } from '../idempotency/idempotency.service';
import { credentialETag } from './credential-etag';
import { rowVersionOf } from './credential-version';
import { CredentialsService } from './credentials.service';

/**
 * A create under an `Idempotency-Key` writes under the id derived from the key (unless the client
 * chose one), so that a retry after a crash between the write and its kept answer gets the
 * credential that was written (201, as the first answer) instead of a second one.
 */
@Injectable()
export class CredentialCreateRecovery implements IdempotencyRecovery {
  constructor(private readonly credentials: CredentialsService) {}

  prepare(request: { body?: unknown }, derivedId: string): boolean {
    const { body } = request;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || 'id' in body) {
      return false;
    }
    (body as { id?: string }).id = derivedId;
    return true;
  }

  async recover(workspaceId: string, derivedId: string): Promise<StoredResponse | undefined> {
    try {
      const credential = await this.credentials.get(workspaceId, derivedId);
      const version = rowVersionOf(credential);
      return {
        status: 201,
        body: credential,
        headers: version === undefined ? {} : { etag: credentialETag(version) },
      };
    } catch (error) {
      if (error instanceof NotFoundException) {
        return undefined;
      }
      throw error;
    }
  }
}
