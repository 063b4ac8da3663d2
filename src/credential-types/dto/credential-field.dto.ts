import { ApiProperty } from '@nestjs/swagger';

/** One input of a stored credential, as an edit form needs it: never a secret's value. */
export class CredentialFieldDto {
  /** The `plainDataObj` key. @example openAIApiKey */
  name!: string;

  /** @example OpenAI Api Key */
  label!: string;

  /**
   * The input type; keys the type does not declare are reported as `password`.
   * @example password
   */
  type!: string;

  /** Whether the credential holds a non-empty value for this input. */
  set!: boolean;

  /** Whether the value is a secret; a secret's value is never returned. */
  secret!: boolean;

  /**
   * The stored value, only for a non-secret input that is set.
   * @example us-west1-gcp
   */
  @ApiProperty({
    required: false,
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
  })
  value?: string | number | boolean;
}
