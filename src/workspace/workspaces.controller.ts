import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  UseGuards,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { ApiBody, ApiExtension, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Principal } from '../core/principal';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { CanonicalUuidPipe } from '../common/canonical-uuid.pipe';
import { validationPipe } from '../common/validation';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';
import { AddMemberDto, MemberResponseDto, UpdateMemberDto } from './dto/member.dto';
import { WorkspaceNameDto } from './dto/workspace-name.dto';
import { WorkspaceResponseDto } from './dto/workspace-response.dto';
import { WorkspaceAdminService } from './workspace-admin.service';
import { AuditWrites } from '../common/audit-writes.decorator';
import { ServerStateErrorsFilter } from '../common/server-state-errors.filter';

const NO_WORKSPACE = {
  description: 'No such workspace among yours',
  message: 'Workspace 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d not found',
};
const NO_MEMBER = {
  description: 'No such workspace among yours, or no such member',
  message: 'User 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80 is not a member of this workspace',
};
const LAST_OWNER = {
  description: 'The last owner cannot be removed or demoted',
  message: 'The last owner of a workspace cannot be demoted: make another member owner first',
};
const BAD_ID = 'Validation failed (uuid is expected)';
const SIGNED_IN_USER = "This endpoint needs a signed-in user's access token (POST /auth/login)";

/**
 * Workspaces and their members, for signed-in users. Roles are checked in the database on
 * every call here; the permission each operation needs is in `x-required-permissions`.
 */
@ApiTags('workspaces')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard)
@UsePipes(validationPipe)
@UseFilters(ServerStateErrorsFilter)
@AuditWrites()
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly admin: WorkspaceAdminService) {}

  /** The workspaces you belong to, with your role in each. */
  @Get()
  @ApiErrorResponses({ 403: SIGNED_IN_USER })
  listWorkspaces(@CurrentPrincipal() principal: Principal): Promise<WorkspaceResponseDto[]> {
    return this.admin.list(principal);
  }

  /** Create a workspace; you become its owner. */
  @Post()
  @ApiErrorResponses({ 400: ['name must not be blank'], 403: SIGNED_IN_USER })
  createWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Body() body: WorkspaceNameDto,
  ): Promise<WorkspaceResponseDto> {
    return this.admin.create(principal, body.name);
  }

  /** Rename a workspace. */
  @Patch(':id')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses({
    400: ['name must not be blank'],
    403: 'Missing permission workspace:members',
    404: NO_WORKSPACE,
  })
  renameWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Body() body: WorkspaceNameDto,
  ): Promise<WorkspaceResponseDto> {
    return this.admin.rename(principal, id, body.name);
  }

  /** Delete a workspace with all its credentials, members and API keys, in one transaction. */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiExtension('x-required-permissions', ['workspace:delete'])
  @ApiErrorResponses({ 400: BAD_ID, 403: 'Missing permission workspace:delete', 404: NO_WORKSPACE })
  deleteWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
  ): Promise<void> {
    return this.admin.remove(principal, id);
  }

  /** The members of a workspace and their roles. */
  @Get(':id/members')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses({
    400: BAD_ID,
    403: 'Missing permission workspace:members',
    404: NO_WORKSPACE,
  })
  listMembers(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
  ): Promise<MemberResponseDto[]> {
    return this.admin.listMembers(principal, id);
  }

  /** Add an existing user (by email or id) with a role. */
  @Post(':id/members')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiBody({
    type: AddMemberDto,
    examples: {
      byEmail: { summary: 'By email', value: { email: 'ada@example.com', role: 'editor' } },
    },
  })
  @ApiErrorResponses({
    400: 'Send either email or userId',
    403: 'Only an owner can grant, change or remove the owner role',
    404: {
      description: 'No such workspace among yours, or no such user',
      message: 'No user with this email or id; create the user first',
    },
    409: {
      description: 'Already a member',
      message: 'User 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80 is already a member of this workspace',
    },
  })
  addMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Body() body: AddMemberDto,
  ): Promise<MemberResponseDto> {
    return this.admin.addMember(principal, id, body);
  }

  /** Change a member's role. */
  @Patch(':id/members/:userId')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses({
    400: ['role must be one of the following values: owner, admin, editor, viewer'],
    403: 'Only an owner can grant, change or remove the owner role',
    404: NO_MEMBER,
    409: LAST_OWNER,
  })
  updateMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Param('userId', CanonicalUuidPipe) userId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberResponseDto> {
    return this.admin.setRole(principal, id, userId, body.role);
  }

  /** Remove a member: their refresh tokens stop working at once, access tokens at expiry. */
  @Delete(':id/members/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses({
    400: BAD_ID,
    403: 'Missing permission workspace:members',
    404: NO_MEMBER,
    409: { ...LAST_OWNER, message: LAST_OWNER.message.replace('demoted', 'removed') },
  })
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Param('userId', CanonicalUuidPipe) userId: string,
  ): Promise<void> {
    return this.admin.removeMember(principal, id, userId);
  }

  /** Create an API key for programs. The response shows the key once; store it safely. */
  @Post(':id/api-keys')
  @ApiExtension('x-required-permissions', ['workspace:api-keys'])
  @ApiErrorResponses({
    400: 'expiresAt must be in the future',
    403: 'Missing permission workspace:api-keys',
    404: NO_WORKSPACE,
  })
  createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponseDto> {
    return this.admin.createApiKey(principal, id, body);
  }

  /** The workspace's API keys: prefix, permissions, created, last used, expiry. Never the key. */
  @Get(':id/api-keys')
  @ApiExtension('x-required-permissions', ['workspace:api-keys'])
  @ApiErrorResponses({
    400: BAD_ID,
    403: 'Missing permission workspace:api-keys',
    404: NO_WORKSPACE,
  })
  listApiKeys(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
  ): Promise<ApiKeyResponseDto[]> {
    return this.admin.listApiKeys(principal, id);
  }

  /** Revoke an API key; every replica refuses it from the next request on. */
  @Delete(':id/api-keys/:keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiExtension('x-required-permissions', ['workspace:api-keys'])
  @ApiErrorResponses({
    400: BAD_ID,
    403: 'Missing permission workspace:api-keys',
    404: {
      description: 'No such API key in this workspace',
      message: 'API key 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
    },
  })
  revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Param('keyId') keyId: string,
  ): Promise<void> {
    return this.admin.revokeApiKey(principal, id, keyId);
  }
}
