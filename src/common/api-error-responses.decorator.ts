import { applyDecorators } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const ERROR_DESCRIPTIONS = {
  400: 'The input breaks a rule; the message lists every problem and nothing was changed',
  401: 'No bearer token, or one that is malformed, expired, badly signed or has no workspace',
  403: 'Your token, role or API key lacks the permission this operation needs',
  404: 'No credential with this id in your workspace (a malformed id is also a 404)',
  409: 'A credential with this id already exists',
  413: 'The body is larger than 1 MiB',
} as const;

type DocumentedErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** A typical body per status, so Swagger UI does not show a 404 body under every error. */
const ERROR_EXAMPLES: Record<DocumentedErrorStatus, string | string[]> = {
  400: ['plainDataObj must have at least one key'],
  401: 'Token expired',
  403: 'Missing permission credentials:delete',
  404: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 not found',
  409: 'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 already exists',
  413: 'Request body is too large',
};

function errorResponse(status: DocumentedErrorStatus) {
  return ApiResponse({
    status,
    description: ERROR_DESCRIPTIONS[status],
    type: ErrorResponseDto,
    example: { statusCode: status, message: ERROR_EXAMPLES[status], error: STATUS_CODES[status] },
  });
}

/** Documents the error responses an operation can give, all with the `ErrorResponseDto` body. */
export function ApiErrorResponses(...statuses: DocumentedErrorStatus[]): MethodDecorator {
  return applyDecorators(...statuses.map(errorResponse));
}

/** Bearer auth and its 401, for a whole guarded controller. */
export function ApiBearerProtected(): ClassDecorator {
  return applyDecorators(ApiBearerAuth(), errorResponse(401));
}
