import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Ip,
  Post,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import { LoginThrottleGuard } from './login-throttle.guard';
import { SessionService } from './session.service';
import { AcceptsFormBody } from '../common/accepts-form-body.decorator';
import { ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { AuditContextInterceptor } from '../common/audit-context.interceptor';
import { OAuthTokenRequestDto } from './dto/oauth-token-request.dto';
import { OAuthTokenResponseDto } from './dto/oauth-token-response.dto';

/**
 * Sign-in for OAuth 2.0 clients such as Swagger UI's Authorize dialog: the same login as
 * POST /auth/login, with the form body and the response field names of RFC 6749.
 */
@ApiTags('auth')
@UsePipes(validationPipe)
@UseInterceptors(AuditContextInterceptor)
@Controller('auth')
export class OAuthTokenController {
  constructor(private readonly sessions: SessionService) {}

  /** Trade your email (as `username`) and password for an access token (OAuth 2.0 password grant). */
  @Post('token')
  @HttpCode(HttpStatus.OK)
  @AcceptsFormBody()
  @UseGuards(LoginThrottleGuard)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiErrorResponses({
    503: 'Too many sign-ins at once; retry in a moment',
    400: ['grant_type must be password'],
    401: { description: 'Invalid email or password', message: 'Invalid email or password' },
    429: {
      description: 'Too many failed logins for this email or address; see Retry-After',
      message: 'Too many failed logins; try again in 900 seconds',
    },
  })
  async createToken(
    @Body() body: OAuthTokenRequestDto,
    @Ip() address: string,
  ): Promise<OAuthTokenResponseDto> {
    const pair = await this.sessions.login(
      { email: body.username, password: body.password },
      address,
    );
    return {
      access_token: pair.accessToken,
      token_type: 'bearer',
      expires_in: pair.expiresIn,
      refresh_token: pair.refreshToken,
    };
  }
}
