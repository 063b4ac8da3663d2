import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { ToInteger } from '../../common/to-integer.decorator';

export const AUDIT_PAGE_SIZE = 50;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export class ListAuditEventsQueryDto {
  /**
   * Only events of this action.
   * @example credential.updated
   */
  @IsOptional()
  @Matches(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/, {
    message: 'action must be dot.case, e.g. credential.updated',
  })
  @MaxLength(100)
  action?: string;

  /**
   * Only events by actors of this type.
   * @example user
   */
  @IsOptional()
  @IsIn(['user', 'apiKey', 'external', 'cli', 'system'])
  actorType?: string;

  /**
   * Only events by this actor (a user id, an API key id, an external subject).
   * @example 7d1e4c2a-90b3-4f0e-8a55-1c2d3e4f5a6b
   */
  @IsOptional()
  @MaxLength(255)
  actorId?: string;

  /**
   * Only events about targets of this type.
   * @example credential
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'targetType must be 1 to 64 plain characters' })
  targetType?: string;

  /**
   * Only events about this target (e.g. a credential id).
   * @example 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10
   */
  @IsOptional()
  @MaxLength(255)
  targetId?: string;

  /**
   * Only events with this outcome.
   * @example success
   */
  @IsOptional()
  @IsIn(['success', 'denied', 'error'])
  outcome?: string;

  /**
   * Only events at or after this time (ISO 8601).
   * @example 2026-11-01T00:00:00Z
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  /**
   * Only events before this time (ISO 8601).
   * @example 2026-12-01T00:00:00Z
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  /**
   * Page size, 1 to 500 (default 50).
   * @example 50
   */
  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /**
   * The `nextCursor` of the previous page, for the next (older) events.
   * @example 1042
   */
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'cursor must be the nextCursor of a previous page' })
  @Min(1)
  @Max(MAX_SEQ)
  cursor?: number;
}
