import { BadRequestException } from '@nestjs/common';
import { validateInput } from '../common/validation';
import { isWorkspaceId } from '../core/workspace-id';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CreateCredentialDto } from './dto/create-credential.dto';

/** An import refused before anything was written: the message is safe to print. */
export class CredentialImportError extends Error {
  override readonly name = 'CredentialImportError';
}

/** What a bundle carries of one credential (TransferredCredential's fields, checked here). */
interface ImportableCredential {
  readonly id: string;
  readonly name: string;
  readonly credentialName: string;
  readonly createdDate: string;
  readonly updatedDate: string;
  readonly plainDataJson: string;
}

/** The create rules (name, type, id, secret fields), a workspace and two dates. */
export async function assertImportable(
  types: CredentialTypesRegistry,
  credential: ImportableCredential,
  workspaceId: string,
): Promise<void> {
  const id =
    typeof credential === 'object' && credential !== null && typeof credential.id === 'string'
      ? credential.id
      : 'an entry';
  try {
    const plainDataObj: unknown = JSON.parse(credential.plainDataJson);
    const dto = await validateInput(CreateCredentialDto, {
      id: credential.id,
      name: credential.name,
      credentialName: credential.credentialName,
      plainDataObj,
    });
    types.assertValid(dto.credentialName, dto.plainDataObj);
    const valid =
      dto.id === credential.id &&
      isWorkspaceId(workspaceId) &&
      !Number.isNaN(Date.parse(credential.createdDate)) &&
      !Number.isNaN(Date.parse(credential.updatedDate));
    if (!valid) {
      throw new Error('invalid id, workspace or dates');
    }
  } catch (error) {
    const reason = error instanceof BadRequestException ? `: ${reasonOf(error)}` : '';
    throw new CredentialImportError(
      `The bundle holds an invalid credential (${id})${reason}; nothing was imported`,
    );
  }
}

/** Validation messages name fields and rules, never values. */
function reasonOf(error: BadRequestException): string {
  const message = (error.getResponse() as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : error.message;
}
