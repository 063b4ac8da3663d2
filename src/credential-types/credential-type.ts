/** The input types a credential field can have, as Flowise's credential classes declare them. */
export const INPUT_TYPES = [
  'password',
  'string',
  'url',
  'json',
  'number',
  'boolean',
  'options',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** One choice of an `options` input. */
export interface CredentialTypeOption {
  name: string;
  label: string;
  description?: string;
}

/** One field of a credential type, in the shape of Flowise's `INodeParams`. */
export interface CredentialTypeInput {
  name: string;
  label: string;
  type: InputType;
  optional?: boolean;
  default?: string | number | boolean | null;
  hidden?: boolean;
  options?: CredentialTypeOption[];
  description?: string;
  placeholder?: string;
  /**
   * Whether the value is a secret. Unset: `password`, `string`, `url` and `json` inputs are,
   * `options`, `boolean` and `number` inputs are not.
   */
  secret?: boolean;
}

/** A credential type, in the shape of Flowise's `INodeCredential`, plus the vault's flags. */
export interface CredentialTypeDefinition {
  name: string;
  label: string;
  version: number;
  description?: string;
  /** Every input is optional (Flowise's class-level `optional = true`). */
  optional?: boolean;
  inputs: CredentialTypeInput[];
  /**
   * Keys the type does not declare are accepted: OAuth flows write `access_token`,
   * `refresh_token`, `expires_at` and the like into the same data.
   */
  allowExtraKeys?: boolean;
  /** The absolute path of the type's icon file (custom types); otherwise one is generated. */
  icon?: string;
}

/** The same rule as `credentialName` in requests. */
export const CREDENTIAL_TYPE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Type names in the order lists show them: case-insensitive, lower case first on a tie. The
 * catalogue's order is the one `localeCompare` gave, without the process's locale and without
 * loading ICU's collation tables (2 MB of a server's idle memory).
 */
export function compareTypeNames(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left !== right) {
    return left < right ? -1 : 1;
  }
  return a === b ? 0 : a > b ? -1 : 1;
}

const NON_SECRET_TYPES: ReadonlySet<InputType> = new Set(['options', 'boolean', 'number']);

export function isSecretInput(input: CredentialTypeInput): boolean {
  return input.secret ?? !NON_SECRET_TYPES.has(input.type);
}

/** Hidden inputs and inputs with a default are filled in by Flowise, so never required. */
export function isRequiredInput(
  type: CredentialTypeDefinition,
  input: CredentialTypeInput,
): boolean {
  return !type.optional && !input.optional && !input.hidden && input.default === undefined;
}
