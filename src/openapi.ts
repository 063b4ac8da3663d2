import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const DOCS_PATH = 'api/docs';

/**
 * Swagger UI at `/api/docs` and the document at `/api/docs-json`, both public. The document is
 * built on its first request, not at start: scanning every route and DTO is about a fifth of
 * start-up time and leaves garbage behind that would inflate the idle footprint.
 */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Credential Vault')
    .setDescription(
      'Flowise-compatible Credentials API. Secrets are encrypted with AES-256-GCM before they ' +
        'reach the database and no response ever contains one. Authorize with a bearer token ' +
        '(`npm run token -- --workspace <id>`).',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const buildDocument = (): OpenAPIObject =>
    SwaggerModule.createDocument(app, config, {
      operationIdFactory: (_controllerKey, methodKey) => methodKey,
    });
  SwaggerModule.setup(DOCS_PATH, app, buildDocument, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    swaggerOptions: { persistAuthorization: true },
  });
}
