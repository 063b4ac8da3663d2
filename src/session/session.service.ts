import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { Membership, WorkspaceService, workspaceNotFound } from '../workspace/workspace.service';
import { LoginDto } from './dto/login.dto';
import { MeResponseDto, TokenPairResponseDto } from './dto/session-response.dto';
import { LoginThrottleService } from './login-throttle.service';
import { ROLE_PERMISSIONS } from '../core/permissions';
import { Principal } from '../core/principal';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Refresh tokens carry this prefix so secret scanners can recognise a leaked one. */
export const REFRESH_TOKEN_PREFIX = 'cvr_';
const INVALID_LOGIN = 'Invalid email or password';
const INVALID_REFRESH = 'Invalid refresh token';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sign-in and sessions: short-lived HS256 access tokens (verified without a database lookup)
 * plus opaque, rotating refresh tokens stored only as hashes.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger('Identity');
  private readonly accessTtl: number;
  private readonly refreshTtl: number;

  constructor(
    @Inject(VAULT_OPTIONS) options: CredentialsServiceOptions,
    @InjectRepository(RefreshTokenEntity)
    private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly workspaces: WorkspaceService,
    private readonly throttle: LoginThrottleService,
  ) {
    this.accessTtl = options.accessTokenTtlSeconds ?? 900;
    this.refreshTtl = options.refreshTokenTtlSeconds ?? 30 * 86400;
  }

  async login(dto: LoginDto, address: string): Promise<TokenPairResponseDto> {
    const user = await this.users.authenticate(dto.email, dto.password);
    if (!user) {
      this.throttle.recordFailure(dto.email, address);
      throw new UnauthorizedException(INVALID_LOGIN);
    }
    this.throttle.recordSuccess(dto.email);
    const membership = await this.chooseWorkspace(user, dto.workspaceId);
    this.logger.log(`User ${user.id} signed in to workspace ${membership.workspace.id}`);
    return this.issue(user, membership, randomUUID());
  }

  async refresh(token: string): Promise<TokenPairResponseDto> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: hashToken(token) });
    const now = new Date();
    if (!row || row.revokedAt) {
      throw new UnauthorizedException(INVALID_REFRESH);
    }
    if (row.rotatedAt) {
      await this.revokeFamily(row.familyId);
      this.logger.warn(`Refresh token reuse in session ${row.familyId}; the session was revoked`);
      throw new UnauthorizedException('Refresh token already used; the session was revoked');
    }
    if (row.expiresAt <= now) {
      throw new UnauthorizedException('Refresh token expired; log in again');
    }
    // The conditional update makes rotation single-use even when two refreshes race.
    const claimed = await this.refreshTokens.update(
      { id: row.id, rotatedAt: IsNull(), revokedAt: IsNull() },
      { rotatedAt: now },
    );
    if (claimed.affected !== 1) {
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException('Refresh token already used; the session was revoked');
    }
    const user = await this.users.findById(row.userId);
    const membership = user ? await this.workspaces.membership(user.id, row.workspaceId) : null;
    if (!user || !membership) {
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException('You are no longer a member of this workspace; log in again');
    }
    return this.issue(user, membership, row.familyId);
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: hashToken(token) });
    if (row) {
      await this.revokeFamily(row.familyId);
    }
  }

  async switchWorkspace(principal: Principal, workspaceId: string): Promise<TokenPairResponseDto> {
    const user = await this.users.signedIn(principal);
    const membership = await this.workspaces.membership(user.id, workspaceId);
    if (!membership) {
      throw workspaceNotFound(workspaceId);
    }
    return this.issue(user, membership, randomUUID());
  }

  async me(principal: Principal): Promise<MeResponseDto> {
    const user = await this.users.signedIn(principal);
    const membership = await this.workspaces.membership(user.id, principal.workspaceId);
    if (!membership) {
      throw workspaceNotFound(principal.workspaceId);
    }
    return {
      user: { id: user.id, email: user.email },
      workspace: {
        id: membership.workspace.id,
        name: membership.workspace.name,
        role: membership.role,
      },
      permissions: [...principal.permissions],
    };
  }

  /** Changes the password and ends every session of the user. */
  async changePassword(principal: Principal, current: string, next: string): Promise<void> {
    const user = await this.users.signedIn(principal);
    if (!(await this.users.verifyPassword(user, current))) {
      throw new ForbiddenException('Current password is incorrect');
    }
    await this.users.setPassword(user.id, next);
    await this.refreshTokens.update(
      { userId: user.id, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    this.logger.log(`User ${user.id} changed their password; their sessions were revoked`);
  }

  private async chooseWorkspace(user: UserEntity, workspaceId?: string): Promise<Membership> {
    if (workspaceId !== undefined) {
      const membership = await this.workspaces.membership(user.id, workspaceId);
      if (!membership) {
        throw workspaceNotFound(workspaceId);
      }
      return membership;
    }
    const [first] = await this.workspaces.listForUser(user.id);
    if (!first) {
      throw new NotFoundException(
        'You are not a member of any workspace yet; ask a workspace admin to add you',
      );
    }
    return first;
  }

  private async issue(
    user: UserEntity,
    membership: Membership,
    familyId: string,
  ): Promise<TokenPairResponseDto> {
    const permissions = [...ROLE_PERMISSIONS[membership.role]];
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, workspaceId: membership.workspace.id, permissions },
      { algorithm: 'HS256', expiresIn: this.accessTtl, jwtid: randomUUID() },
    );
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    await this.refreshTokens.insert({
      id: randomUUID(),
      familyId,
      userId: user.id,
      workspaceId: membership.workspace.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.refreshTtl * 1000),
      rotatedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTtl,
      refreshToken,
      user: { id: user.id, email: user.email },
      workspace: {
        id: membership.workspace.id,
        name: membership.workspace.name,
        role: membership.role,
      },
      permissions,
    };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
