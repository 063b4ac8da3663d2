import { randomBytes } from 'node:crypto';

/** A secret that is unique per call, so a leak scan can look for exactly it. */
export function secretValue(label = 'sk'): string {
  return `${label}-${randomBytes(18).toString('hex')}`;
}

export function createCredentialBody(
  overrides: Partial<{
    name: string;
    credentialName: string;
    plainDataObj: Record<string, unknown>;
    id: string;
  }> = {},
): Record<string, unknown> {
  return {
    name: 'My OpenAI Key',
    credentialName: 'openAIApi',
    plainDataObj: { openAIApiKey: secretValue() },
    ...overrides,
  };
}

/** The fields of a credential in every response, as the reference page lists them. */
export const CREDENTIAL_RESPONSE_KEYS = [
  'id',
  'name',
  'credentialName',
  'encryptedData',
  'workspaceId',
  'createdDate',
  'updatedDate',
].sort();
