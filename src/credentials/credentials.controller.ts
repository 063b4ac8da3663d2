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
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PermissionsGuard } from '../auth/permissions.guard';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { ApiCreateCredentialBody } from './dto/api-create-credential-body.decorator';
import { CredentialFieldDto } from '../credential-types/dto/credential-field.dto';
import { CurrentWorkspace } from '../auth/current-workspace.decorator';
import { CredentialsService } from './credentials.service';
import { CreateCredentialDto } from './dto/create-credential.dto';
import { CredentialForEditResponseDto } from './dto/credential-for-edit-response.dto';
import { CredentialResponseDto } from './dto/credential-response.dto';
import { DeleteCredentialResponseDto } from './dto/delete-credential-response.dto';
import { ListCredentialsQueryDto } from './dto/list-credentials-query.dto';
import { UpdateCredentialDto } from './dto/update-credential.dto';

/** What Express's and Fastify's responses both offer, so the controller needs neither. */
interface HeaderWriter {
  header(name: string, value: string): unknown;
}

@ApiTags('credentials')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard, PermissionsGuard)
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

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
    },
  })
  @ApiErrorResponses(400, 403)
  async listCredentials(
    @CurrentWorkspace() workspaceId: string,
    @Query(validationPipe) query: ListCredentialsQueryDto,
    @Res({ passthrough: true }) response: HeaderWriter,
  ): Promise<CredentialResponseDto[]> {
    const page = await this.credentials.list(workspaceId, query);
    if (page.total !== undefined) {
      response.header('X-Total-Count', String(page.total));
    }
    return page.credentials;
  }

  /**
   * Get one credential: its metadata, ciphertext and, as in Flowise, `plainDataObj` with every
   * secret replaced by the redaction sentinel (non-secret inputs keep their values).
   */
  @Get(':id')
  @RequirePermissions('credentials:view')
  @ApiErrorResponses(403, 404)
  getCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
  ): Promise<CredentialForEditResponseDto> {
    return this.credentials.getForEdit(workspaceId, id);
  }

  /**
   * The inputs of the credential's type and which of them hold a value, for an edit form. A
   * secret's value is never returned; non-secret inputs (options, booleans, numbers, inputs the
   * type marks `secret: false`) carry theirs.
   */
  @Get(':id/fields')
  @RequirePermissions('credentials:view')
  @ApiErrorResponses(403, 404)
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
  @RequirePermissions('credentials:create')
  @ApiCreateCredentialBody()
  @ApiErrorResponses(400, 403, 409, 413)
  createCredential(
    @CurrentWorkspace() workspaceId: string,
    @Body() body: CreateCredentialDto,
  ): Promise<CredentialResponseDto> {
    return this.credentials.create(workspaceId, body);
  }

  /** Rename a credential and/or merge new secret fields into it. */
  @Put(':id')
  @RequirePermissions('credentials:update')
  @ApiErrorResponses(400, 403, 404, 413)
  updateCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
    @Body() body: UpdateCredentialDto,
  ): Promise<CredentialResponseDto> {
    return this.credentials.update(workspaceId, id, body);
  }

  /** Delete a credential permanently. */
  @Delete(':id')
  @RequirePermissions('credentials:delete')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses(403, 404)
  async deleteCredential(
    @CurrentWorkspace() workspaceId: string,
    @Param('id') id: string,
  ): Promise<DeleteCredentialResponseDto> {
    await this.credentials.remove(workspaceId, id);
    return { message: 'Credential deleted successfully' };
  }
}
