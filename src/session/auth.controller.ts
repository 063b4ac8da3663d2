import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  UseGuards,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { MeResponseDto, TokenPairResponseDto } from './dto/session-response.dto';
import { SwitchWorkspaceDto } from './dto/switch-workspace.dto';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { LoginThrottleGuard } from './login-throttle.guard';
import { Principal } from '../core/principal';
import { SessionService } from './session.service';
import { AuditWrites } from '../common/audit-writes.decorator';
import { ServerStateErrorsFilter } from '../common/server-state-errors.filter';

/** The 403 of the operations that need one of our users, not an API key or an external token. */
const NOT_A_SIGNED_IN_USER = {
  description: 'The token is an API key or an external token, not a signed-in user',
  message: "This endpoint needs a signed-in user's access token (POST /auth/login)",
};

@ApiTags('auth')
@UsePipes(validationPipe)
@UseFilters(ServerStateErrorsFilter)
@AuditWrites()
@Controller('auth')
export class AuthController {
  constructor(private readonly sessions: SessionService) {}

  /** Sign in with email and password; returns an access token and a refresh token. */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(LoginThrottleGuard)
  @ApiBody({
    type: LoginDto,
    examples: {
      defaultWorkspace: {
        summary: 'Sign in to your default workspace',
        value: { email: 'admin@example.com', password: 'correct-horse-battery-staple' },
      },
    },
  })
  @ApiErrorResponses({
    503: 'Too many sign-ins at once; retry in a moment',
    400: ['email must be longer than or equal to 1 characters'],
    401: { description: 'Invalid email or password', message: 'Invalid email or password' },
    404: {
      description: 'Not a member of the workspace asked for, or of none',
      message: 'Workspace 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d not found',
    },
    429: {
      description: 'Too many failed logins for this email or address; see Retry-After',
      message: 'Too many failed logins; try again in 900 seconds',
    },
  })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenPairResponseDto> {
    return this.sessions.login(body, address);
  }

  /** Trade a refresh token for a new pair. Reusing a spent one revokes its whole session. */
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiErrorResponses({
    400: ['refreshToken must be a string'],
    401: {
      description: 'Unknown, expired, revoked or reused refresh token',
      message: 'Refresh token already used; the session was revoked',
    },
  })
  refreshSession(@Body() body: RefreshTokenDto): Promise<TokenPairResponseDto> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** End the session of a refresh token. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses({ 400: ['refreshToken must be a string'] })
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.sessions.logout(body.refreshToken);
  }

  /** A new pair for another workspace you belong to. */
  @Post('switch-workspace')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiErrorResponses({
    400: ['workspaceId must be a UUID'],
    401: 'Token expired',
    403: NOT_A_SIGNED_IN_USER,
    404: {
      description: 'No such workspace among yours',
      message: 'Workspace 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d not found',
    },
  })
  switchWorkspace(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SwitchWorkspaceDto,
  ): Promise<TokenPairResponseDto> {
    return this.sessions.switchWorkspace(principal, body.workspaceId);
  }

  /** Who you are, the workspace of your token, your role there and your token's permissions. */
  @Get('me')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiErrorResponses({
    401: 'Token expired',
    403: NOT_A_SIGNED_IN_USER,
  })
  getMe(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    return this.sessions.me(principal);
  }

  /** Change your password; every refresh token of yours is revoked. */
  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiErrorResponses({
    503: 'Too many sign-ins at once; retry in a moment',
    400: ['newPassword must be longer than or equal to 12 characters'],
    401: 'Token expired',
    403: {
      description: 'The current password is wrong, or the token is not a signed-in user',
      message: 'Current password is incorrect',
    },
  })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.sessions.changePassword(principal, body.currentPassword, body.newPassword);
  }
}
