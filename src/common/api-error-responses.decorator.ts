import { applyDecorators } from '@nestjs/common';
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

/** Documents the error responses an operation can give, all with the `ErrorResponseDto` body. */
export function ApiErrorResponses(...statuses: DocumentedErrorStatus[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
}

/** Bearer auth and its 401, for a whole guarded controller. */
export function ApiBearerProtected(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: ERROR_DESCRIPTIONS[401], type: ErrorResponseDto }),
  );
}
