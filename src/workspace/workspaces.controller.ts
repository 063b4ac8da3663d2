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
  UsePipes,
} from '@nestjs/common';
import { ApiConflictResponse, ApiExtension, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Principal } from '../core/principal';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { ErrorResponseDto } from '../common/error-response.dto';
import { CanonicalUuidPipe } from '../common/canonical-uuid.pipe';
import { validationPipe } from '../common/validation';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';
import { AddMemberDto, MemberResponseDto, UpdateMemberDto } from './dto/member.dto';
import { WorkspaceNameDto } from './dto/workspace-name.dto';
import { WorkspaceResponseDto } from './dto/workspace-response.dto';
import { WorkspaceAdminService } from './workspace-admin.service';

const NOT_A_MEMBER = {
  description: 'No such workspace among yours (or no such member)',
  type: ErrorResponseDto,
};
const LAST_OWNER = {
  description: 'The last owner cannot be removed or demoted',
  type: ErrorResponseDto,
};

/**
 * Workspaces and their members, for signed-in users. Roles are checked in the database on
 * every call here; the permission each operation needs is in `x-required-permissions`.
 */
@ApiTags('workspaces')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard)
@UsePipes(validationPipe)
@Controller('workspaces')
export class WorkspacesController {
  constructor(private readonly admin: WorkspaceAdminService) {}

  /** The workspaces you belong to, with your role in each. */
  @Get()
  @ApiErrorResponses(403)
  listWorkspaces(@CurrentPrincipal() principal: Principal): Promise<WorkspaceResponseDto[]> {
    return this.admin.list(principal);
  }

  /** Create a workspace; you become its owner. */
  @Post()
  @ApiErrorResponses(400, 403)
  createWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Body() body: WorkspaceNameDto,
  ): Promise<WorkspaceResponseDto> {
    return this.admin.create(principal, body.name);
  }

  /** Rename a workspace. */
  @Patch(':id')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses(400, 403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
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
  @ApiErrorResponses(403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
  deleteWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
  ): Promise<void> {
    return this.admin.remove(principal, id);
  }

  /** The members of a workspace and their roles. */
  @Get(':id/members')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses(403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
  listMembers(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
  ): Promise<MemberResponseDto[]> {
    return this.admin.listMembers(principal, id);
  }

  /** Add an existing user (by email or id) with a role. */
  @Post(':id/members')
  @ApiExtension('x-required-permissions', ['workspace:members'])
  @ApiErrorResponses(400, 403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
  @ApiConflictResponse({ description: 'Already a member', type: ErrorResponseDto })
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
  @ApiErrorResponses(400, 403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
  @ApiConflictResponse(LAST_OWNER)
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
  @ApiErrorResponses(403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
  @ApiConflictResponse(LAST_OWNER)
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
  @ApiErrorResponses(400, 403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
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
  @ApiErrorResponses(403)
  @ApiNotFoundResponse(NOT_A_MEMBER)
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
  @ApiErrorResponses(403)
  @ApiNotFoundResponse({ description: 'No such API key in this workspace', type: ErrorResponseDto })
  revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id', CanonicalUuidPipe) id: string,
    @Param('keyId') keyId: string,
  ): Promise<void> {
    return this.admin.revokeApiKey(principal, id, keyId);
  }
}
