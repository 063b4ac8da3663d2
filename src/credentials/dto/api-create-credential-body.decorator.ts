import { ApiBody } from '@nestjs/swagger';
import { CreateCredentialDto } from './create-credential.dto';
import {
  BUILT_IN_ALIASES,
  BUILT_IN_TYPES,
} from '../../credential-types/catalogue/built-in-catalogue';
import {
  compareTypeNames,
  CredentialTypeDefinition,
  isRequiredInput,
} from '../../credential-types/credential-type';

/** The reference page's most used types, by the name clients send. */
export const DOCUMENTED_CREDENTIAL_NAMES = [
  'openAIApi',
  'anthropicApi',
  'azureOpenAIApi',
  'googleGenAIApi',
  'cohereApi',
  'huggingFaceApi',
  'pineconeApi',
  'qdrantApi',
  'serperApi',
  'airtableApi',
] as const;

/** Example values that say what the field holds; every other field shows `...`. */
const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  openAIApiKey: 'sk-...',
  anthropicApiKey: 'sk-ant-...',
  huggingFaceApiKey: 'hf_...',
  pineconeEnv: 'us-west1-gcp',
  azureOpenAIApiInstanceName: 'my-instance',
  azureOpenAIApiDeploymentName: 'gpt-4o',
  azureOpenAIApiVersion: '2024-10-21',
  accessToken: 'pat...',
};

/** Example `POST /credentials` bodies: the required inputs of each documented type. */
export function credentialBodyExamples(): Record<
  string,
  { summary: string; value: CreateCredentialDto }
> {
  const byName = new Map(BUILT_IN_TYPES.map((type) => [type.name, type]));
  return Object.fromEntries(
    DOCUMENTED_CREDENTIAL_NAMES.map((credentialName) => {
      const type = byName.get(
        BUILT_IN_ALIASES[credentialName] ?? credentialName,
      ) as CredentialTypeDefinition;
      const inputs = type.inputs.filter(
        (input) => isRequiredInput(type, input) || EXAMPLE_VALUES[input.name] !== undefined,
      );
      const plainDataObj = Object.fromEntries(
        inputs.map((input) => [input.name, EXAMPLE_VALUES[input.name] ?? '...']),
      );
      return [
        credentialName,
        { summary: type.label, value: { name: `My ${type.label}`, credentialName, plainDataObj } },
      ];
    }),
  );
}

/**
 * The request body of `POST /credentials`: per-type examples, and every built-in type name.
 */
export function ApiCreateCredentialBody(): MethodDecorator {
  const names = [...BUILT_IN_TYPES.map((type) => type.name), ...Object.keys(BUILT_IN_ALIASES)].sort(
    compareTypeNames,
  );
  return ApiBody({
    type: CreateCredentialDto,
    description:
      '`plainDataObj` must fit the inputs of `credentialName` (see `GET /components-credentials/{name}`). ' +
      `Built-in credential types: ${names.map((name) => `\`${name}\``).join(', ')}. ` +
      'Custom types of the server are listed by `GET /components-credentials`.',
    examples: credentialBodyExamples(),
  });
}
