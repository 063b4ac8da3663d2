import { Body, Controller, Get, Post, UseGuards, UseFilters, UsePipes } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Principal } from '../core/principal';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { toUserResponse, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';
import { ServerStateErrorsFilter } from '../common/server-state-errors.filter';

/** Instance administration: only instance admins may call these. */
@ApiTags('users')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard)
@UsePipes(validationPipe)
@UseFilters(ServerStateErrorsFilter)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Create a user (instance admin only). Add them to workspaces with the members endpoints. */
  @Post()
  @ApiBody({
    type: CreateUserDto,
    examples: {
      user: {
        summary: 'A user who is not an instance admin',
        value: {
          email: 'ada@example.com',
          password: 'a-long-initial-password',
          isInstanceAdmin: false,
        },
      },
    },
  })
  @ApiErrorResponses({
    503: 'Too many sign-ins at once; retry in a moment',
    400: ['password must be longer than or equal to 12 characters'],
    403: 'Only an instance admin can manage users',
    409: {
      description: 'A user with this email exists',
      message: 'A user with this email already exists',
    },
  })
  async createUser(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserDto,
  ): Promise<UserResponseDto> {
    await this.users.instanceAdmin(principal);
    return toUserResponse(await this.users.create(body));
  }

  /** List every user of the instance (instance admin only). */
  @Get()
  @ApiErrorResponses({ 403: 'Only an instance admin can manage users' })
  async listUsers(@CurrentPrincipal() principal: Principal): Promise<UserResponseDto[]> {
    await this.users.instanceAdmin(principal);
    return (await this.users.list()).map(toUserResponse);
  }
}
