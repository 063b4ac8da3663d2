import { CredentialTypeDefinition, CredentialTypeInput } from '../credential-type';
import flowiseCatalogue from './flowise-credential-types.json';
import { withFlowiseDescriptions } from './flowise-descriptions';

/**
 * Where the vault deliberately differs from Flowise's sources (`flowiseCatalogue.source`).
 * Each entry says why; docs/credential-types.md lists them for users.
 */
interface CatalogueExtension {
  /** Inputs a newer Flowise dropped but older clients still send: accepted, never required. */
  legacyInputs?: CredentialTypeInput[];
  allowExtraKeys?: boolean;
  /** Inputs whose value is configuration, not a secret, so the fields view may show it. */
  nonSecretInputs?: string[];
}

const OAUTH2_FLOW: CatalogueExtension = {
  // Flowise's OAuth2 callback writes the tokens it receives into the credential's data.
  allowExtraKeys: true,
  nonSecretInputs: ['authorizationUrl', 'accessTokenUrl', 'scope', 'additionalParameters'],
};

export const CATALOGUE_EXTENSIONS: Readonly<Record<string, CatalogueExtension>> = {
  pineconeApi: {
    // Pinecone's serverless API dropped environments, and Flowise dropped the input with it; the
    // reference page's example still sends it.
    legacyInputs: [
      {
        name: 'pineconeEnv',
        label: 'Pinecone Environment',
        type: 'string',
        optional: true,
        secret: false,
      },
    ],
  },
  azureOpenAIApi: {
    nonSecretInputs: [
      'azureOpenAIApiInstanceName',
      'azureOpenAIApiDeploymentName',
      'azureOpenAIApiVersion',
    ],
  },
  gmailOAuth2: OAUTH2_FLOW,
  googleCalendarOAuth2: OAUTH2_FLOW,
  googleDocsOAuth2: OAUTH2_FLOW,
  googleDriveOAuth2: OAUTH2_FLOW,
  googleSheetsOAuth2: OAUTH2_FLOW,
  microsoftOutlookOAuth2: OAUTH2_FLOW,
  microsoftTeamsOAuth2: OAUTH2_FLOW,
  slackOAuth2: OAUTH2_FLOW,
};

/** Where the built-in definitions come from: Flowise's repository, path and commit. */
export const CATALOGUE_SOURCE: string = flowiseCatalogue.source;

/** Names the reference page uses for types Flowise calls otherwise. */
export const BUILT_IN_ALIASES: Readonly<Record<string, string>> = flowiseCatalogue.aliases;

export const BUILT_IN_TYPES: readonly CredentialTypeDefinition[] = (
  flowiseCatalogue.types as CredentialTypeDefinition[]
)
  .map(withFlowiseDescriptions)
  .map(applyExtension);

function applyExtension(type: CredentialTypeDefinition): CredentialTypeDefinition {
  const extension = CATALOGUE_EXTENSIONS[type.name];
  if (!extension) {
    return type;
  }
  const nonSecret = new Set(extension.nonSecretInputs ?? []);
  const inputs = type.inputs.map((input) =>
    nonSecret.has(input.name) ? { ...input, secret: false } : input,
  );
  return {
    ...type,
    inputs: [...inputs, ...(extension.legacyInputs ?? [])],
    ...(extension.allowExtraKeys ? { allowExtraKeys: true } : {}),
  };
}
