import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** What a runtime says about a place that uses a credential. */
export class RecordCredentialUsageDto {
  /**
   * A name people recognise, shown when a delete is refused.
   * @example Support bot (production)
   */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  label?: string;
}

/** Who uses a credential: `kind` and `id` are the runtime's own (e.g. `chatflow`, its id). */
export class CredentialUsageResponseDto {
  /** @example chatflow */
  kind!: string;

  /** @example 5d2f8a9e-0c1b-4b7e-9f3a-6e4d2c1b0a99 */
  id!: string;

  /** @example Support bot (production) */
  label?: string;

  /** When the usage was first recorded (ISO 8601, UTC). */
  @ApiProperty({ format: 'date-time', example: '2024-03-15T10:30:00.000Z' })
  createdDate!: string;
}

/** A usage's kind: short, URL-safe. */
export const USAGE_KIND = /^[A-Za-z0-9_.-]{1,64}$/;
/** A usage's id: the runtime's id, URL-safe. */
export const USAGE_ID = /^[A-Za-z0-9_.:-]{1,255}$/;

/** The usage as the in-process API takes it. */
export class CredentialUsageInputDto extends RecordCredentialUsageDto {
  /** @example chatflow */
  @Matches(USAGE_KIND, { message: 'kind must be 1 to 64 characters of A-Z, a-z, 0-9, _, . and -' })
  kind!: string;

  /** @example 5d2f8a9e-0c1b-4b7e-9f3a-6e4d2c1b0a99 */
  @Matches(USAGE_ID, { message: 'id must be 1 to 255 characters of A-Z, a-z, 0-9, _, ., : and -' })
  id!: string;
}
