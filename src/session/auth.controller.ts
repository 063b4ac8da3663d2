import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses.decorator';
import { ErrorResponseDto } from '../common/error-response.dto';
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

@ApiTags('auth')
@UsePipes(validationPipe)
@Controller('auth')
export class AuthController {
  constructor(private readonly sessions: SessionService) {}

  /** Sign in with email and password; returns an access token and a refresh token. */
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(LoginThrottleGuard)
  @ApiResponse({ status: 401, description: 'Invalid email or password', type: ErrorResponseDto })
  @ApiResponse({
    status: 429,
    description: 'Too many failed logins for this email or address; see Retry-After',
    type: ErrorResponseDto,
  })
  @ApiErrorResponses(400, 404)
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenPairResponseDto> {
    return this.sessions.login(body, address);
  }

  /** Trade a refresh token for a new pair. Reusing a spent one revokes its whole session. */
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiResponse({
    status: 401,
    description: 'Unknown, expired, revoked or reused refresh token',
    type: ErrorResponseDto,
  })
  @ApiErrorResponses(400)
  refreshSession(@Body() body: RefreshTokenDto): Promise<TokenPairResponseDto> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** End the session of a refresh token. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrorResponses(400)
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.sessions.logout(body.refreshToken);
  }

  /** A new pair for another workspace you belong to. */
  @Post('switch-workspace')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiErrorResponses(400, 404)
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
  getMe(@CurrentPrincipal() principal: Principal): Promise<MeResponseDto> {
    return this.sessions.me(principal);
  }

  /** Change your password; every refresh token of yours is revoked. */
  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiErrorResponses(400)
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.sessions.changePassword(principal, body.currentPassword, body.newPassword);
  }
}
