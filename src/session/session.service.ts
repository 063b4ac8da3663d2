import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectVaultRepository } from '../core/vault-data-source';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
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
import { InvalidationBus } from '../core/invalidation-bus';
import { VaultTelemetry } from '../core/vault-telemetry';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import {
  loggedOut,
  loginFailed,
  LoginFailure,
  loginSucceeded,
  passwordChanged,
  refreshTokenReused,
} from './session-audit-events';

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
    @InjectVaultRepository(RefreshTokenEntity)
    private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly workspaces: WorkspaceService,
    private readonly throttle: LoginThrottleService,
    private readonly bus: InvalidationBus,
    private readonly telemetry: VaultTelemetry,
    private readonly audit: AuditRecorder,
  ) {
    this.accessTtl = options.accessTokenTtlSeconds ?? 900;
    this.refreshTtl = options.refreshTokenTtlSeconds ?? 30 * 86400;
  }

  async login(dto: LoginDto, address: string): Promise<TokenPairResponseDto> {
    const { user, passwordMatches } = await this.users.attemptSignIn(dto.email, dto.password);
    if (!user || !passwordMatches) {
      this.telemetry.authFailed('bad_password');
      await this.loginFailed(user, dto.workspaceId, user ? 'wrongPassword' : 'unknownUser');
      throw new UnauthorizedException(INVALID_LOGIN);
    }
    await this.throttle.recordSuccess(dto.email, address);
    const membership = await this.chooseWorkspace(user, dto.workspaceId).catch(
      async (error: unknown) => {
        await this.loginFailed(user, dto.workspaceId, 'notAMember');
        throw error;
      },
    );
    this.logger.log(`User ${user.id} signed in to workspace ${membership.workspace.id}`);
    const familyId = randomUUID();
    const session = { familyId, userId: user.id, workspaceId: membership.workspace.id };
    return this.issue(user, membership, familyId, loginSucceeded(session));
  }

  /** Recorded under the workspace asked for when the user belongs to it, else their first. */
  private async loginFailed(
    user: UserEntity | null,
    requested: string | undefined,
    reason: LoginFailure,
  ): Promise<void> {
    let workspaceId: string | null = null;
    if (user) {
      const asked = requested ? await this.workspaces.membership(user.id, requested) : null;
      workspaceId = (asked ?? (await this.workspaces.listForUser(user.id))[0])?.workspace.id;
      workspaceId ??= null;
    }
    await this.audit.recordDenied(loginFailed(user?.id ?? null, workspaceId, reason));
  }

  async refresh(token: string): Promise<TokenPairResponseDto> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: hashToken(token) });
    const now = new Date();
    if (!row || row.revokedAt) {
      this.telemetry.authFailed('bad_refresh_token');
      throw new UnauthorizedException(INVALID_REFRESH);
    }
    if (row.rotatedAt) {
      this.telemetry.authFailed('refresh_token_reuse');
      await this.revokeFamily(row.familyId);
      await this.audit.recordDenied(refreshTokenReused(row));
      this.logger.warn(`Refresh token reuse in session ${row.familyId}; the session was revoked`);
      throw new UnauthorizedException('Refresh token already used; the session was revoked');
    }
    if (row.expiresAt <= now) {
      this.telemetry.authFailed('bad_refresh_token');
      throw new UnauthorizedException('Refresh token expired; log in again');
    }
    // The conditional update makes rotation single-use even when two refreshes race.
    const claimed = await this.refreshTokens.update(
      { id: row.id, rotatedAt: IsNull(), revokedAt: IsNull() },
      { rotatedAt: now },
    );
    if (claimed.affected !== 1) {
      this.telemetry.authFailed('refresh_token_reuse');
      await this.revokeFamily(row.familyId);
      await this.audit.recordDenied(refreshTokenReused(row));
      throw new UnauthorizedException('Refresh token already used; the session was revoked');
    }
    const user = await this.users.findById(row.userId);
    const membership = user ? await this.workspaces.membership(user.id, row.workspaceId) : null;
    if (!user || !membership) {
      this.telemetry.authFailed('revoked_token');
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException('You are no longer a member of this workspace; log in again');
    }
    return this.issue(user, membership, row.familyId);
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: hashToken(token) });
    if (row) {
      await this.revokeFamily(row.familyId, loggedOut(row));
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
      this.telemetry.authFailed('bad_password');
      throw new ForbiddenException('Current password is incorrect');
    }
    const writePassword = await this.users.passwordChange(user.id, next);
    // The new password, the revoked sessions and the event commit together, or none of them.
    const sessions = await this.audit.transaction(
      async (em) => {
        await writePassword(em);
        const open = await em.find(RefreshTokenEntity, {
          select: { familyId: true },
          where: { userId: user.id, revokedAt: IsNull() },
        });
        await em.update(
          RefreshTokenEntity,
          { userId: user.id, revokedAt: IsNull() },
          { revokedAt: new Date() },
        );
        return [...new Set(open.map((row) => row.familyId))];
      },
      (ended) => passwordChanged(user.id, principal.workspaceId, ended.length),
    );
    await this.endAccessTokens(sessions);
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
    event?: AuditEventInput,
  ): Promise<TokenPairResponseDto> {
    const permissions = [...ROLE_PERMISSIONS[membership.role]];
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, workspaceId: membership.workspace.id, permissions, sid: familyId },
      { algorithm: 'HS256', expiresIn: this.accessTtl, jwtid: randomUUID() },
    );
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    const row: RefreshTokenEntity = {
      id: randomUUID(),
      familyId,
      userId: user.id,
      workspaceId: membership.workspace.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.refreshTtl * 1000),
      rotatedAt: null,
      revokedAt: null,
      createdAt: now,
    };
    if (event) {
      await this.audit.transaction(
        (em) => em.insert(RefreshTokenEntity, row),
        () => event,
      );
    } else {
      await this.refreshTokens.insert(row);
    }
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

  /** Revokes the session; `event`, when given, is recorded with it if it was still open. */
  private async revokeFamily(familyId: string, event?: AuditEventInput): Promise<void> {
    const revoke = (em: EntityManager) =>
      em.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await (event
      ? this.audit.transaction(revoke, (result) => (result.affected ? event : undefined))
      : revoke(this.refreshTokens.manager));
    await this.endAccessTokens([familyId]);
  }

  /** Access tokens carry their session (`sid`): every replica refuses them from now on. */
  private async endAccessTokens(sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) {
      await this.bus.publish({ type: 'sessions-revoked', sessionIds });
    }
  }
}
