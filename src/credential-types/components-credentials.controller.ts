import { Controller, Get, Inject, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiBearerProtected, ApiErrorResponses } from '../common/api-error-responses.decorator';
import { validationPipe } from '../common/validation';
import { CredentialTypesRegistry } from './credential-types.registry';
import { CredentialTypeDto } from './dto/credential-type.dto';
import { ListCredentialTypesQueryDto } from './dto/list-credential-types-query.dto';

/** Flowise's credential-type catalogue API: what each `credentialName` expects in `plainDataObj`. */
@ApiTags('components-credentials')
@ApiBearerProtected()
@UseGuards(JwtAuthGuard)
@UsePipes(validationPipe)
@Controller('components-credentials')
export class ComponentsCredentialsController {
  constructor(@Inject(CredentialTypesRegistry) private readonly types: CredentialTypesRegistry) {}

  /** List the credential types the vault accepts, with their inputs. */
  @Get()
  @ApiOkResponse({ type: [CredentialTypeDto] })
  @ApiErrorResponses({
    400: ['name must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -'],
  })
  listCredentialTypes(@Query() query: ListCredentialTypesQueryDto): CredentialTypeDto[] {
    return this.types.describeAll(query.name);
  }

  /**
   * Get one credential type by name or alias. For several, use `GET /components-credentials`
   * with `name` repeated. (Flowise's own UI joins several names with `&` here and gets an
   * array; the server still answers that, outside this contract.)
   */
  @Get(':name')
  @ApiParam({
    name: 'name',
    description: 'A credential type name or alias',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$', example: 'openAIApi' },
  })
  @ApiOkResponse({ type: CredentialTypeDto })
  @ApiErrorResponses({
    404: {
      description: 'No credential type of this name or alias',
      message: 'Credential type openAIApii not found',
    },
  })
  getCredentialType(@Param('name') name: string): CredentialTypeDto | CredentialTypeDto[] {
    return this.types.describe(name);
  }
}
