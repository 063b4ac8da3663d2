import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Put,
  UseGuards,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { CurrentWorkspace } from '../../auth/current-workspace.decorator';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard';
import { PermissionsGuard } from '../../auth/permissions.guard';
import { RequirePermissions } from '../../auth/require-permissions.decorator';
import { ApiBearerProtected, ApiErrorResponses } from '../../common/api-error-responses.decorator';
import { AuditWrites } from '../../common/audit-writes.decorator';
import { ServerStateErrorsFilter } from '../../common/server-state-errors.filter';
import { validationPipe } from '../../common/validation';
import { CredentialUsagesService } from './credential-usages.service';
import { CredentialUsageResponseDto, RecordCredentialUsageDto } from './dto/credential-usage.dto';

const NOT_FOUND = {
  description: 'No credential with this id in your workspace',
  message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
};

/**
 * Where a credential is used, for runtimes outside this process (in process: the same through
 * `CredentialsClient`). Recording or releasing a usage changes what a delete does, so it needs
 * `credentials:update`; reading the list needs `credentials:view`.
 */
@ApiTags('credentials')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard, PermissionsGuard)
@UseFilters(ServerStateErrorsFilter)
@AuditWrites()
@UsePipes(validationPipe)
@Controller('credentials/:id/usages')
export class CredentialUsagesController {
  constructor(private readonly usages: CredentialUsagesService) {}

  /** Everything that uses the credential, as recorded by the runtimes that use it. */
  @Get()
  @RequirePermissions('credentials:view')
  @ApiErrorResponses({ 403: 'Missing permission credentials:view', 404: NOT_FOUND })
  listCredentialUsages(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
  ): Promise<CredentialUsageResponseDto[]> {
    return this.usages.list(workspaceId, id);
  }

  /**
   * Record that something uses the credential (`kind` and `usageId` are yours, e.g. `chatflow`
   * and its id). Idempotent: recording it again only updates the label.
   */
  @Put(':kind/:usageId')
  @RequirePermissions('credentials:update')
  @ApiErrorResponses({
    400: ['kind must be 1 to 64 characters of A-Z, a-z, 0-9, _, . and -'],
    403: 'Missing permission credentials:update',
    404: NOT_FOUND,
  })
  recordCredentialUsage(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Param('kind') kind: string,
    @Param('usageId') usageId: string,
    @Body() body: RecordCredentialUsageDto,
  ): Promise<CredentialUsageResponseDto> {
    return this.usages.record(workspaceId, id, { ...body, kind, id: usageId });
  }

  /** Record that it no longer uses the credential. Idempotent. */
  @Delete(':kind/:usageId')
  @RequirePermissions('credentials:update')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Released (or was not recorded)' })
  @ApiErrorResponses({
    400: ['kind must be 1 to 64 characters of A-Z, a-z, 0-9, _, . and -'],
    403: 'Missing permission credentials:update',
    404: NOT_FOUND,
  })
  async releaseCredentialUsage(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Param('kind') kind: string,
    @Param('usageId') usageId: string,
  ): Promise<void> {
    await this.usages.release(workspaceId, id, kind, usageId);
  }
}
