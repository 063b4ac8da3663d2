import { Controller, Get, Query, UseGuards, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditEventsReader } from '../audit/audit-events.reader';
import { CurrentWorkspace } from '../auth/current-workspace.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PermissionsGuard } from '../auth/permissions.guard';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { ServerStateErrorsFilter } from '../common/server-state-errors.filter';
import { validationPipe } from '../common/validation';
import {
  AuditEventPageResponseDto,
  toAuditEventPageResponse,
} from './dto/audit-event-response.dto';
import { AUDIT_PAGE_SIZE, ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

@ApiTags('audit')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard, PermissionsGuard)
@UseFilters(ServerStateErrorsFilter)
@Controller('audit-events')
export class AuditEventsController {
  constructor(private readonly reader: AuditEventsReader) {}

  /**
   * The audit trail of your workspace, newest first, a page at a time: who created, changed,
   * deleted or revealed which credential, when and from where. Never a secret value.
   */
  @Get()
  @RequirePermissions('audit:view')
  @ApiErrorResponses({
    400: ['outcome must be one of the following values: success, denied, error'],
    403: 'Missing permission audit:view',
  })
  async listAuditEvents(
    @CurrentWorkspace() workspaceId: string,
    @Query(validationPipe) query: ListAuditEventsQueryDto,
  ): Promise<AuditEventPageResponseDto> {
    const { limit, cursor, since, until, ...filter } = query;
    const page = await this.reader.page(
      workspaceId,
      {
        ...filter,
        ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
        ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
      },
      limit ?? AUDIT_PAGE_SIZE,
      cursor,
    );
    return toAuditEventPageResponse(page);
  }
}
