import { ApiProperty } from '@nestjs/swagger';
import { CredentialTypeDefinition, CredentialTypeInput, isSecretInput } from '../credential-type';

export class CredentialTypeOptionDto {
  /** The value to store. @example iam */
  name!: string;

  /** @example IAM */
  label!: string;

  description?: string;
}

/** One input of a credential type, with Flowise's field names. */
export class CredentialTypeInputDto {
  /** The `plainDataObj` key. @example openAIApiKey */
  name!: string;

  /** @example OpenAI Api Key */
  label!: string;

  /**
   * How the value is checked: `password` and `string` a string, `number` a number or numeric
   * string, `boolean` true or false, `url` an absolute URL, `json` a string holding JSON,
   * `options` one of `options[].name`.
   * @example password
   */
  type!: string;

  /** Whether the input may be left out. Hidden inputs and inputs with a default may be too. */
  optional!: boolean;

  /** The value Flowise fills in when the input is left out. */
  @ApiProperty({
    required: false,
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
  })
  default?: string | number | boolean | null;

  /** Flowise does not show the input; it is never required. */
  hidden?: boolean;

  /** The choices of an `options` input. */
  options?: CredentialTypeOptionDto[];

  /**
   * Help text for the input, as Flowise shows it; may hold HTML links, so sanitise before
   * rendering it as HTML.
   * @example The access key for your AWS account.
   */
  description?: string;

  /** An example value for an empty form field. @example <AWS_ACCESS_KEY_ID> */
  placeholder?: string;

  /** Whether the value is a secret: the fields view never returns a secret's value. */
  secret!: boolean;
}

/** A credential type, as Flowise's `GET /components-credentials` returns it (without icons). */
export class CredentialTypeDto {
  /** The `credentialName` to send. @example openAIApi */
  name!: string;

  /** @example OpenAI API */
  label!: string;

  /** @example 1 */
  version!: number;

  /**
   * What the type is for and where to get its values, as Flowise shows it; may hold HTML links,
   * so sanitise before rendering it as HTML.
   */
  description?: string;

  /** Every input is optional. */
  optional?: boolean;

  inputs!: CredentialTypeInputDto[];

  /**
   * Other names accepted as `credentialName` for this type; a credential keeps the name it was
   * created with.
   * @example ["googleGenAIApi"]
   */
  aliases!: string[];

  /** Keys the type does not declare are accepted too (OAuth tokens). */
  allowExtraKeys!: boolean;
}

export function toCredentialTypeResponse(
  type: CredentialTypeDefinition,
  aliases: string[],
): CredentialTypeDto {
  return {
    name: type.name,
    label: type.label,
    version: type.version,
    ...(type.description !== undefined ? { description: type.description } : {}),
    ...(type.optional !== undefined ? { optional: type.optional } : {}),
    inputs: type.inputs.map(toInputResponse),
    aliases,
    allowExtraKeys: type.allowExtraKeys === true,
  };
}

function toInputResponse(input: CredentialTypeInput): CredentialTypeInputDto {
  return {
    name: input.name,
    label: input.label,
    type: input.type,
    optional: input.optional === true,
    ...(input.default !== undefined ? { default: input.default } : {}),
    ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
    ...(input.options !== undefined
      ? { options: input.options.map((option) => ({ ...option })) }
      : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.placeholder !== undefined ? { placeholder: input.placeholder } : {}),
    secret: isSecretInput(input),
  };
}
