import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsString, IsOptional, Matches } from 'class-validator';

export class ListCredentialTypesQueryDto {
  /**
   * Only these types (names or aliases); repeat the parameter for several.
   * @example openAIApi
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  )
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, {
    each: true,
    message: 'name must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -',
  })
  name?: string[];
}
