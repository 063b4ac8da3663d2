import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { declareCredentialNames } from './api-docs/credential-name-enum';
import { finishDocument, SIGN_IN_SCHEME } from './api-docs/finish-document';
import { CredentialTypesRegistry } from './credential-types/credential-types.registry';

export const DOCS_PATH = 'api/docs';

/**
 * Swagger UI at `/api/docs` and the document at `/api/docs-json`, both public. The document is
 * built on its first request, not at start: scanning every route and DTO is about a fifth of
 * start-up time and leaves garbage behind that would inflate the idle footprint.
 */
export function setUpOpenApi(app: INestApplication, apiPrefix: string): void {
  const config = new DocumentBuilder()
    .setTitle('Credential Vault')
    .setDescription(
      '**Sign in:** press **Authorize**, enter your email and password under `signIn`, press ' +
        '**Authorize** again, then try any operation.\n\n' +
        'Flowise-compatible Credentials API. Secrets are encrypted with AES-256-GCM before they ' +
        'reach the database and no response ever contains one. Every response carries ' +
        '`X-Request-Id` and API responses `Cache-Control: no-store`; requests are rate limited ' +
        'per principal (`RateLimit-*` headers, 429 with `Retry-After`).',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Your email and password, traded for an access token',
        flows: { password: { tokenUrl: `/${apiPrefix}/auth/token`, scopes: {} } },
      },
      SIGN_IN_SCHEME,
    )
    .build();
  const buildDocument = (): OpenAPIObject => {
    const document = finishDocument(
      SwaggerModule.createDocument(app, config, {
        operationIdFactory: (_controllerKey, methodKey) => methodKey,
      }),
    );
    const registry = app.get(CredentialTypesRegistry, { strict: false });
    if (registry.mode === 'strict') {
      declareCredentialNames(document, registry.names());
    }
    return document;
  };
  SwaggerModule.setup(DOCS_PATH, app, buildDocument, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    swaggerOptions: { persistAuthorization: true },
  });
}
