import { Body, Controller, Get, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiConflictResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Principal } from '../core/principal';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { ErrorResponseDto } from '../common/error-response.dto';
import { validationPipe } from '../common/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { toUserResponse, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

/** Instance administration: only instance admins may call these. */
@ApiTags('users')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard)
@UsePipes(validationPipe)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Create a user (instance admin only). Add them to workspaces with the members endpoints. */
  @Post()
  @ApiErrorResponses(400, 403)
  @ApiConflictResponse({ description: 'A user with this email exists', type: ErrorResponseDto })
  async createUser(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateUserDto,
  ): Promise<UserResponseDto> {
    await this.users.instanceAdmin(principal);
    return toUserResponse(await this.users.create(body));
  }

  /** List every user of the instance (instance admin only). */
  @Get()
  @ApiErrorResponses(403)
  async listUsers(@CurrentPrincipal() principal: Principal): Promise<UserResponseDto[]> {
    await this.users.instanceAdmin(principal);
    return (await this.users.list()).map(toUserResponse);
  }
}
