import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEventEntity } from '../../audit/audit-event.entity';
import type { AuditEventPage } from '../../audit/audit-events.reader';

export class AuditActorDto {
  /**
   * `user`, `apiKey`, `external` (an IdP or host subject), `cli` or `system`.
   * @example user
   */
  type!: string;

  /**
   * The user id, API key id or external subject; null for `cli` and `system`.
   * @example 7d1e4c2a-90b3-4f0e-8a55-1c2d3e4f5a6b
   */
  id!: string | null;
}

export class AuditTargetDto {
  /** @example credential */
  type!: string;

  /** @example 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 */
  id?: string;

  /** The target's display name when it was recorded. @example Production OpenAI */
  name?: string;

  /** The credential's type, for a credential target. @example openAIApi */
  credentialName?: string;
}

export class AuditEventResponseDto {
  /** @example 0b6f2f57-3a7c-4f8e-9d4b-6a1e2c3d4e5f */
  id!: string;

  /** The event's position in the audit chain. @example 1042 */
  seq!: number;

  /** @example 2026-11-30T21:15:02.123Z */
  occurredAt!: string;

  /** @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d */
  workspaceId!: string | null;

  /** What happened, dot.case. @example credential.updated */
  action!: string;

  actor!: AuditActorDto;

  target!: AuditTargetDto | null;

  /**
   * `success`, `denied` or `error`.
   * @example success
   */
  outcome!: string;

  /**
   * Facts about the event, never a secret value (e.g. `changedKeys`: the names of the secret
   * fields an update changed).
   * @example {"changedKeys":["openAIApiKey"],"renamed":false}
   */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details!: Record<string, unknown> | null;

  /** @example 5d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f */
  requestId!: string | null;

  /** @example 203.0.113.7 */
  sourceAddress!: string | null;

  /** @example Mozilla/5.0 */
  userAgent!: string | null;
}

export class AuditEventPageResponseDto {
  /** Newest first. */
  events!: AuditEventResponseDto[];

  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  @ApiPropertyOptional({ example: '1001' })
  nextCursor?: string;
}

export function toAuditEventResponse(row: AuditEventEntity): AuditEventResponseDto {
  const target =
    row.targetType === null
      ? null
      : {
          type: row.targetType,
          ...(row.targetId !== null ? { id: row.targetId } : {}),
          ...(row.targetName !== null ? { name: row.targetName } : {}),
          ...(row.targetCredentialName !== null
            ? { credentialName: row.targetCredentialName }
            : {}),
        };
  return {
    id: row.id,
    seq: row.seq,
    occurredAt: row.occurredAt,
    workspaceId: row.workspaceId,
    action: row.action,
    actor: { type: row.actorType, id: row.actorId },
    target,
    outcome: row.outcome,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    requestId: row.requestId,
    sourceAddress: row.sourceAddress,
    userAgent: row.userAgent,
  };
}

export function toAuditEventPageResponse(page: AuditEventPage): AuditEventPageResponseDto {
  return {
    events: page.events.map(toAuditEventResponse),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
  };
}
