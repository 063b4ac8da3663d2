import { CredentialTypeDefinition } from '../credential-type';
import flowiseDescriptions from './flowise-credential-descriptions.json';

interface DescriptionFacts {
  description?: string;
  inputs?: Record<string, { description?: string; placeholder?: string }>;
}

/**
 * The help texts Flowise's forms show, from the same Flowise commit as the catalogue
 * (`scripts/extract-flowise-descriptions.mjs`). They may hold HTML links, as in Flowise.
 */
const DESCRIPTIONS: Readonly<Record<string, DescriptionFacts>> = flowiseDescriptions.types;

export function withFlowiseDescriptions(type: CredentialTypeDefinition): CredentialTypeDefinition {
  const facts = DESCRIPTIONS[type.name];
  if (!facts) {
    return type;
  }
  return {
    ...type,
    ...(facts.description !== undefined ? { description: facts.description } : {}),
    inputs: type.inputs.map((input) => ({ ...input, ...facts.inputs?.[input.name] })),
  };
}
