import { Controller, Get, Headers, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import fresh from 'fresh';
import { ErrorResponseDto } from '../../common/error-response.dto';
import { CREDENTIAL_TYPE_NAME_PATTERN } from '../credential-type';
import { CredentialIcons } from './credential-icons';

/** Browsers may keep an icon this long before asking again; the ETag makes asking cheap. */
const ICON_MAX_AGE_SECONDS = 3600;

/**
 * Keeps an SVG (an operator's file may hold anything) from running scripts or loading anything
 * when someone opens its URL directly.
 */
const ICON_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** What Express's and Fastify's replies both offer, so the controller needs neither. */
interface ReplyWriter {
  status(code: number): this;
  header(name: string, value: string): this;
  send(body?: Buffer): unknown;
}

/**
 * Flowise's credential icons. Public, as in Flowise: its UI loads them with `<img src>`, which
 * cannot send a bearer token, and a type's icon reveals nothing the catalogue does not.
 */
@ApiTags('components-credentials')
@Controller('components-credentials-icon')
export class ComponentsCredentialsIconController {
  constructor(@Inject(CredentialIcons) private readonly icons: CredentialIcons) {}

  /**
   * The icon of a credential type (name or alias): the custom type's own image, or a generated
   * SVG badge. Cacheable; send `If-None-Match` with the `ETag` to get a 304.
   */
  @Get(':name')
  @ApiProduces('image/svg+xml', 'image/png', 'image/jpeg')
  @ApiOkResponse({
    description: 'The icon',
    schema: { type: 'string', format: 'binary' },
    headers: {
      ETag: { description: 'The image version', schema: { type: 'string' } },
      'Cache-Control': { schema: { type: 'string', example: 'public, max-age=3600' } },
    },
  })
  @ApiResponse({ status: 304, description: 'The image matches the `If-None-Match` ETag' })
  @ApiNotFoundResponse({
    description: 'No credential type of this name',
    // Its own content type: the operation's image types are for the 200.
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } },
  })
  getCredentialTypeIcon(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @Res() reply: ReplyWriter,
  ): void {
    const icon = this.icons.find(name);
    if (!icon) {
      throw new NotFoundException(
        CREDENTIAL_TYPE_NAME_PATTERN.test(name)
          ? `Credential type ${name} not found`
          : 'Credential type not found',
      );
    }
    reply
      .header('ETag', icon.etag)
      .header('Cache-Control', `public, max-age=${ICON_MAX_AGE_SECONDS}`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', ICON_CSP)
      // Flowise's UI on another origin shows it with <img>, which same-origin CORP would block.
      .header('Cross-Origin-Resource-Policy', 'cross-origin');
    const requestHeaders = { 'if-none-match': ifNoneMatch, 'cache-control': cacheControl };
    if (fresh(requestHeaders, { etag: icon.etag })) {
      reply.status(304).send();
      return;
    }
    reply.status(200).header('Content-Type', icon.contentType).send(icon.bytes);
  }
}
