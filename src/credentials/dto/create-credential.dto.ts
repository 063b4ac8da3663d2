import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PlainData } from '../../core/plain-data';
import { PlainDataField } from './plain-data.decorator';

export class CreateCredentialDto {
  /**
   * Display name, 1 to 255 characters, not blank.
   * @example "My OpenAI Key"
   */
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  /**
   * The credential type: 1 to 100 of `A-Z a-z 0-9 _ -`.
   * @example openAIApi
   */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, {
    message: 'credentialName must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -',
  })
  credentialName!: string;

  /**
   * The secret fields, encrypted before storage and never returned by any endpoint: a non-empty
   * object of at most 100 keys whose values are strings, numbers or booleans, at most 64 KiB.
   */
  @PlainDataField({ allowNull: false })
  plainDataObj!: PlainData;

  /**
   * A client-chosen id (a UUID), for infrastructure as code. Taken ids are refused with 409.
   * @example 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10
   */
  @IsOptional()
  @IsUUID('all')
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  id?: string;
}
