import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { addCommonResponses, RESPONSE_HEADERS } from './common-responses';
import { addIdempotencyResponses } from './idempotency-responses';
import { normalizeSchemas } from './openapi-3-0-schemas';

/** The OAuth2 password flow Swagger UI's Authorize dialog signs in with. */
export const SIGN_IN_SCHEME = 'signIn';

/** The groups of operations in the order Swagger UI shows them: sign-in first. */
const TAGS = [
  { name: 'auth', description: 'Sign in, refresh, switch workspace, sign out, change password' },
  { name: 'credentials', description: 'Credentials of your workspace, secrets encrypted at rest' },
  { name: 'components-credentials', description: 'Credential types and the inputs they take' },
  { name: 'workspaces', description: 'Workspaces, their members and their API keys' },
  { name: 'audit', description: 'The tamper-evident audit trail of your workspace' },
  { name: 'users', description: 'Users of this instance (instance admins only)' },
  { name: 'health', description: 'Liveness, readiness and database reachability' },
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * What the decorators cannot say per operation: the server, the tags and their order, public
 * operations marked `security: []`, the OAuth2 sign-in as an alternative to a pasted token,
 * the responses every operation can give (413, 414, 415, 429, 431; 507 on writes) and the headers the standalone
 * server adds, and a description for every operation (its summary when it has no other).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  // The package is UNLICENSED (private); npm's documentation says what that means.
  document.info.license = {
    name: 'UNLICENSED',
    url: 'https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license',
  };
  document.servers = [{ url: '/', description: 'This server' }];
  document.tags = TAGS;
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, ...RESPONSE_HEADERS },
  };
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (operation !== undefined) {
        finishOperation(operation, method);
      }
    }
  }
  normalizeSchemas(document);
  return document;
}

function finishOperation(operation: OperationObject, method: string): void {
  operation.description ??= operation.summary;
  const security = operation.security ?? [];
  operation.security = security.some((requirement) => 'bearer' in requirement)
    ? [...security, { [SIGN_IN_SCHEME]: [] }]
    : security;
  addIdempotencyResponses(operation);
  addCommonResponses(operation, method);
}
