import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ToInteger } from '../../common/to-integer.decorator';

/** Beyond it, an offset no list reaches (a page of 1 000 rows times a million). */
const MAX_PAGE = 1_000_000;

export class ListCredentialsQueryDto {
  /**
   * Only credentials of this type; repeat the parameter for any of several types.
   * @example openAIApi
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  )
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, {
    each: true,
    message: 'credentialName must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -',
  })
  credentialName?: string[];

  /**
   * Page number, 1 to 1 000 000, in plain decimal digits. With `page` or `limit` the response is one page and the header
   * `X-Total-Count` gives the total; without both, every credential is returned.
   * @example 1
   */
  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  /**
   * Page size, 1 to 1000 (default 100 when only `page` is given).
   * @example 50
   */
  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
