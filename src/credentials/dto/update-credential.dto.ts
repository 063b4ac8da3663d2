import { PartialType, PickType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PlainDataPatch } from '../../core/plain-data';
import { CreateCredentialDto } from './create-credential.dto';
import { PlainDataField } from './plain-data.decorator';

export class UpdateCredentialDto extends PartialType(
  PickType(CreateCredentialDto, ['name', 'credentialName'] as const),
) {
  /**
   * Secret fields to merge into the stored ones: keys sent replace, keys omitted stay, `null`
   * removes a key, and Flowise's redaction sentinel keeps the stored value; `{}` changes nothing.
   * `credentialName`, if sent, must equal the stored type.
   */
  @IsOptional()
  @PlainDataField({ allowNull: true, allowEmpty: true })
  plainDataObj?: PlainDataPatch;
}
