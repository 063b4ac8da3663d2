import { randomBytes } from 'node:crypto';
import {
  CredentialTypeDefinition,
  CredentialTypeInput,
} from '../../src/credential-types/credential-type';
import { PlainData } from '../../src/core/plain-data';

/**
 * A `plainDataObj` that fits `type`, with every input set. Secret-typed values are unique per
 * call, so a leak scan can look for exactly them.
 */
export function validPlainDataFor(type: CredentialTypeDefinition): PlainData {
  return Object.fromEntries(type.inputs.map((input) => [input.name, validValueFor(input)]));
}

export function validValueFor(input: CredentialTypeInput): string | number | boolean {
  switch (input.type) {
    case 'password':
    case 'string':
      return `${input.name}-${randomBytes(12).toString('hex')}`;
    case 'url':
      return `https://example.com/${randomBytes(8).toString('hex')}`;
    case 'json':
      return JSON.stringify({ secret: randomBytes(8).toString('hex') });
    case 'number':
      return 6379;
    case 'boolean':
      return true;
    case 'options':
      return (input.options ?? [])[0]?.name ?? '';
  }
}

/** Every type name the reference page lists, as written there. */
export const REFERENCE_PAGE_NAMES = [
  'openAIApi',
  'anthropicApi',
  'cohereApi',
  'googleGenAIApi',
  'huggingFaceApi',
  'pineconeApi',
  'qdrantApi',
  'weaviateApi',
  'milvusApi',
  'chromaApi',
  'airtableApi',
  'notionApi',
  'confluenceApi',
  'serperApi',
  'serpApi',
  'replicateApi',
];
