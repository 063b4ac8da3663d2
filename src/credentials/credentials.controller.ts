import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  UseFilters,
} from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PermissionsGuard } from '../auth/permissions.guard';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { ApiCreateCredentialBody } from './dto/api-create-credential-body.decorator';
import { CredentialFieldDto } from '../credential-types/dto/credential-field.dto';
import { pageLinks } from '../common/page-links';
import { CurrentWorkspace } from '../auth/current-workspace.decorator';
import { CredentialsService, DEFAULT_PAGE_SIZE } from './credentials.service';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { CredentialForEditResponseDto } from './dto/credential-for-edit-response.dto';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { DeleteCredentialResponseDto } from './dto/delete-credential-response.dto';
import { ListCredentialsQueryDto } from './dto/list-credentials-query.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';
import { AuditWrites } from '../common/audit-writes.decorator';
import { ServerStateErrorsFilter } from '../common/server-state-errors.filter';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { CredentialCreateRecovery } from './credential-create-recovery';
import { HeaderWriter, IfMatch, sendingETag } from './credential-etag';
import {
  ApiIfMatch,
  ApiIfNoneMatch,
  SendsCredentialETag,
} from './dto/api-credential-etag.decorator';
import { CredentialDeletion } from './usages/credential-deletion';
import { CredentialInUseResponseDto } from './usages/dto/credential-in-use-response.dto';
import { DeleteCredentialQueryDto } from './usages/dto/delete-credential-query.dto';

@ApiTags('credentials')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard, PermissionsGuard)
@UseFilters(ServerStateErrorsFilter)
@AuditWrites()
@Controller('credentials')
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly deletion: CredentialDeletion,
  ) {}

  /** List the credentials of your workspace, newest first. */
  @Get()
  @RequirePermissions('credentials:view')
  @ApiOkResponse({
    type: [CredentialResponseDto],
    headers: {
      'X-Total-Count': {
        description: 'The number of matching credentials; sent when page or limit is given',
        schema: { type: 'integer' },
      },
      Link: {
        description: 'RFC 8288 links to the `next` and `prev` pages; sent with page or limit',
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrorResponses({
    400: ['limit must not be greater than 1000'],
    403: 'Missing permission credentials:view',
  })
  async listCredentials(
    @CurrentWorkspace() workspaceId: string,
    @Query(validationPipe) query: ListCredentialsQueryDto,
    @Req() request: { url: string },
    @Res({ passthrough: true }) response: HeaderWriter,
  ): Promise<CredentialResponseDto[]> {
    const page = await this.credentials.list(workspaceId, query);
    if (page.total !== undefined) {
      response.header('X-Total-Count', String(page.total));
      const size = query.limit ?? DEFAULT_PAGE_SIZE;
      const links = pageLinks(request.url, { number: query.page ?? 1, size, total: page.total });
      if (links !== undefined) {
        response.header('Link', links);
      }
    }
    return page.credentials;
  }

  /**
   * Get one credential: its metadata, ciphertext and, as in Flowise, `plainDataObj` with every
   * secret replaced by the redaction sentinel (non-secret inputs keep their values).
   */
  @Get(':id')
  @RequirePermissions('credentials:view')
  @SendsCredentialETag(200, CredentialForEditResponseDto)
  @ApiIfNoneMatch()
  @ApiErrorResponses({
    403: 'Missing permission credentials:view',
    404: {
      description: 'No credential with this id in your workspace',
      message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
    },
  })
  getCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: HeaderWriter,
  ): Promise<CredentialForEditResponseDto> {
    return sendingETag(response, this.credentials.getForEdit(workspaceId, id));
  }

  /**
   * The inputs of the credential's type and which of them hold a value, for an edit form. A
   * secret's value is never returned; non-secret inputs (options, booleans, numbers, inputs the
   * type marks `secret: false`) carry theirs.
   */
  @Get(':id/fields')
  @RequirePermissions('credentials:view')
  @ApiErrorResponses({
    403: 'Missing permission credentials:view',
    404: {
      description: 'No credential with this id in your workspace',
      message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
    },
  })
  getCredentialFields(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
  ): Promise<CredentialFieldDto[]> {
    return this.credentials.fields(workspaceId, id);
  }

  /**
   * Store a new credential; its secret fields are encrypted before they reach the database.
   * (Bodies are validated by the service, which holds the rules for every caller.)
   */
  @Post()
  @Idempotent({ recovery: CredentialCreateRecovery })
  @RequirePermissions('credentials:create')
  @SendsCredentialETag(201, CredentialResponseDto)
  @ApiCreateCredentialBody()
  @ApiErrorResponses({
    400: ['plainDataObj must have at least one key'],
    403: 'Missing permission credentials:create',
    409: {
      description: 'A credential with this id already exists',
      message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 already exists',
    },
    410: 'Workspace 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d was deleted',
  })
  createCredential(
    @CurrentWorkspace() workspaceId: string,
    @Body() body: CreateCredentialDto,
    @Res({ passthrough: true }) response: HeaderWriter,
  ): Promise<CredentialResponseDto> {
    return sendingETag(response, this.credentials.create(workspaceId, body));
  }

  /** Rename a credential and/or merge new secret fields into it. */
  @Put(':id')
  @Idempotent()
  @RequirePermissions('credentials:update')
  @SendsCredentialETag(200, CredentialResponseDto)
  @ApiIfMatch()
  @ApiErrorResponses({
    400: ['name must not be blank'],
    403: 'Missing permission credentials:update',
    404: {
      description: 'No credential with this id in your workspace',
      message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
    },
    409: {
      description: 'Changed by another request at the same time',
      message:
        'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 is being changed concurrently; try again',
    },
  })
  updateCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Body() body: UpdateCredentialDto,
    @IfMatch() ifMatch: number[] | undefined,
    @Res({ passthrough: true }) response: HeaderWriter,
  ): Promise<CredentialResponseDto> {
    return sendingETag(response, this.credentials.update(workspaceId, id, body, ifMatch));
  }

  /**
   * Delete a credential permanently. While something uses it (see its usages) the delete is
   * refused with 409 listing them, unless `force=true`.
   */
  @Delete(':id')
  @RequirePermissions('credentials:delete')
  @HttpCode(HttpStatus.OK)
  @ApiIfMatch()
  @ApiErrorResponses({
    400: ['force must be one of the following values: true, false'],
    403: 'Missing permission credentials:delete',
    404: {
      description: 'No credential with this id in your workspace',
      message: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
    },
  })
  @ApiConflictResponse({
    description: 'The credential is in use',
    type: CredentialInUseResponseDto,
  })
  async deleteCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Query(validationPipe) query: DeleteCredentialQueryDto,
    @IfMatch() ifMatch: number[] | undefined,
  ): Promise<DeleteCredentialResponseDto> {
    await this.deletion.remove(workspaceId, id, {
      force: query.force === 'true',
      ifMatch: ifMatch,
    });
    return { message: 'Credential deleted successfully' };
  }
}
