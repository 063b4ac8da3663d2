import { BadRequestException } from '@nestjs/common';
import { CredentialTypesRegistry } from '../credential-types/credential-types.registry';
import { CREDENTIAL_TYPE_NAME_PATTERN } from '../credential-types/credential-type';
import { PlainData, plainDataProblems, withoutRedactedValues } from '../core/plain-data';

const MAX_NAME_LENGTH = 255;

/**
 * What keeps a credential out of this vault whatever the mode: the rules every API create obeys
 * (a name, a well-formed type name, a flat JSON object of strings, numbers and booleans).
 */
export function storageProblems(name: string, credentialName: string, data: unknown): string[] {
  const problems: string[] = [];
  if (name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    problems.push(`name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (!CREDENTIAL_TYPE_NAME_PATTERN.test(credentialName)) {
    problems.push('credentialName must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -');
  }
  const dataProblems = plainDataProblems(data, { allowNull: false });
  problems.push(
    ...(dataProblems.length > 0
      ? dataProblems
      : plainDataProblems(withoutRedactedValues(data as PlainData), { allowNull: false })),
  );
  return problems;
}

/**
 * How the data breaks its type, exactly as an API create in this vault's type mode would say
 * (field names only, never values).
 */
export function typeProblems(
  registry: CredentialTypesRegistry,
  credentialName: string,
  data: PlainData,
): string[] {
  try {
    registry.assertValid(credentialName, data);
    return [];
  } catch (error) {
    if (!(error instanceof BadRequestException)) {
      throw error;
    }
    const { message } = error.getResponse() as { message: string | string[] };
    return Array.isArray(message) ? message : [message];
  }
}
