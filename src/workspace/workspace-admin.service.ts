import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import { Permission, Role } from '../core/permissions';
import { Principal } from '../core/principal';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import {
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  toApiKeyResponse,
  toCreatedApiKeyResponse,
} from './dto/api-key.dto';
import { AddMemberDto, MemberResponseDto, toMemberResponse } from './dto/member.dto';
import { toWorkspaceResponse, WorkspaceResponseDto } from './dto/workspace-response.dto';
import { Membership, WorkspaceService } from './workspace.service';
import { WorkspaceInvalidations } from './workspace-invalidations';

/**
 * The workspace and member endpoints' rules, for a signed-in caller: their role is read from
 * the database, so a demotion or removal takes effect on their very next management call.
 */
@Injectable()
export class WorkspaceAdminService {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly users: UsersService,
    private readonly workspaces: WorkspaceService,
    private readonly apiKeys: ApiKeysService,
    private readonly invalidations: WorkspaceInvalidations,
  ) {}

  async list(principal: Principal): Promise<WorkspaceResponseDto[]> {
    const user = await this.users.signedIn(principal);
    return (await this.workspaces.listForUser(user.id)).map(toWorkspaceResponse);
  }

  async create(principal: Principal, name: string): Promise<WorkspaceResponseDto> {
    const user = await this.users.signedIn(principal);
    const workspace = await this.workspaces.create(name, user.id);
    this.logger.log(`User ${user.id} created workspace ${workspace.id}`);
    return toWorkspaceResponse({ workspace, role: 'owner' });
  }

  async rename(
    principal: Principal,
    workspaceId: string,
    name: string,
  ): Promise<WorkspaceResponseDto> {
    const { role } = await this.authorize(principal, workspaceId, 'workspace:members');
    const workspace = await this.workspaces.rename(workspaceId, name);
    return toWorkspaceResponse({ workspace, role });
  }

  async remove(principal: Principal, workspaceId: string): Promise<void> {
    await this.authorize(principal, workspaceId, 'workspace:delete');
    await this.workspaces.remove(workspaceId);
    await this.invalidations.workspaceDeleted(workspaceId);
    this.logger.log(`User ${principal.userId} deleted workspace ${workspaceId}`);
  }

  async listMembers(principal: Principal, workspaceId: string): Promise<MemberResponseDto[]> {
    await this.authorize(principal, workspaceId, 'workspace:members');
    return (await this.workspaces.listMembers(workspaceId)).map(toMemberResponse);
  }

  async addMember(
    principal: Principal,
    workspaceId: string,
    dto: AddMemberDto,
  ): Promise<MemberResponseDto> {
    const actor = await this.authorize(principal, workspaceId, 'workspace:members');
    assertMayTouchOwners(actor, dto.role);
    const user = await this.findUser(dto);
    // The service tells the other replicas once the member is committed.
    const member = await this.workspaces.addMember(workspaceId, user, dto.role);
    return toMemberResponse(member);
  }

  async setRole(
    principal: Principal,
    workspaceId: string,
    userId: string,
    role: Role,
  ): Promise<MemberResponseDto> {
    const actor = await this.authorize(principal, workspaceId, 'workspace:members');
    const current = await this.workspaces.memberRole(workspaceId, userId);
    assertMayTouchOwners(actor, role, current);
    await this.workspaces.setRole(workspaceId, userId, role);
    await this.invalidations.memberChanged(workspaceId, userId, role);
    const member = (await this.workspaces.listMembers(workspaceId)).find(
      (m) => m.user.id === userId.toLowerCase(),
    );
    if (!member) {
      throw new NotFoundException(`User ${userId} is not a member of this workspace`);
    }
    return toMemberResponse(member);
  }

  async removeMember(principal: Principal, workspaceId: string, userId: string): Promise<void> {
    const actor = await this.authorize(principal, workspaceId, 'workspace:members');
    assertMayTouchOwners(actor, await this.workspaces.memberRole(workspaceId, userId));
    await this.workspaces.removeMember(workspaceId, userId);
    await this.invalidations.memberChanged(workspaceId, userId, null);
    this.logger.log(`User ${userId} was removed from workspace ${workspaceId}`);
  }

  async createApiKey(
    principal: Principal,
    workspaceId: string,
    dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponseDto> {
    await this.authorize(principal, workspaceId, 'workspace:api-keys');
    const { row, key } = await this.apiKeys.create(workspaceId, principal.userId, dto);
    return toCreatedApiKeyResponse(row, key);
  }

  async listApiKeys(principal: Principal, workspaceId: string): Promise<ApiKeyResponseDto[]> {
    await this.authorize(principal, workspaceId, 'workspace:api-keys');
    return (await this.apiKeys.list(workspaceId)).map(toApiKeyResponse);
  }

  async revokeApiKey(principal: Principal, workspaceId: string, keyId: string): Promise<void> {
    await this.authorize(principal, workspaceId, 'workspace:api-keys');
    await this.apiKeys.revoke(workspaceId, keyId);
  }

  /** The signed-in caller's membership when their role grants `permission` (404 / 403). */
  async authorize(
    principal: Principal,
    workspaceId: string,
    permission: Permission,
  ): Promise<Membership> {
    const user = await this.users.signedIn(principal);
    return this.workspaces.authorize(user.id, workspaceId, permission);
  }

  private async findUser(dto: AddMemberDto): Promise<UserEntity> {
    if ((dto.email === undefined) === (dto.userId === undefined)) {
      throw new BadRequestException('Send either email or userId');
    }
    const user =
      dto.email !== undefined
        ? await this.users.findByEmail(dto.email)
        : await this.users.findById(dto.userId!.toLowerCase());
    if (!user) {
      throw new NotFoundException('No user with this email or id; create the user first');
    }
    return user;
  }
}

/** Only an owner may grant the owner role, or change or remove an owner. */
function assertMayTouchOwners(actor: Membership, ...roles: Role[]): void {
  if (actor.role !== 'owner' && roles.includes('owner')) {
    throw new ForbiddenException('Only an owner can grant, change or remove the owner role');
  }
}
