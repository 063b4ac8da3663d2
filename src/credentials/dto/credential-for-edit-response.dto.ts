import { ApiProperty } from '@nestjs/swagger';
import { FLOWISE_REDACTED_VALUE, PlainData } from '../../core/plain-data';
import { CredentialResponseDto } from './credential-response.dto';

/** One credential as Flowise's edit dialog loads it: the usual shape plus redacted data. */
export class CredentialForEditResponseDto extends CredentialResponseDto {
  /**
   * Every stored key. Non-secret inputs (options, booleans, numbers, inputs the type marks
   * `secret: false`) carry their value; every secret carries Flowise's sentinel
   * `_FLOWISE_BLANK_07167752-1a71-43b1-bf8f-4f32252165db`, which a `PUT` may echo back to keep
   * the stored value. No secret's value is ever returned.
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    },
    example: { openAIApiKey: FLOWISE_REDACTED_VALUE },
  })
  plainDataObj!: PlainData;
}
