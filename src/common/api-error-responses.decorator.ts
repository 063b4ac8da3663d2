import { applyDecorators } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DEFAULT_DESCRIPTIONS = {
  400: 'The input breaks a rule; the message lists every problem and nothing was changed',
  401: 'No bearer token, or one that is malformed, expired, badly signed or has no workspace',
  403: 'Your token, role or API key lacks the permission this operation needs',
  404: 'Not found among what you may see',
  409: 'Conflicts with what is stored',
  410: 'The workspace was deleted: its id can never hold credentials again',
  413: 'The body is larger than 1 MiB',
  429: 'Too many requests; see Retry-After',
  503: 'Too many password checks are queued; see Retry-After',
} as const;

type DocumentedErrorStatus = keyof typeof DEFAULT_DESCRIPTIONS;

/** This operation's own message for a status, with a description when the default says too little. */
export type ErrorDoc = string | string[] | { description: string; message: string | string[] };

function errorResponse(status: DocumentedErrorStatus, doc: ErrorDoc) {
  const { description, message } =
    typeof doc === 'object' && !Array.isArray(doc)
      ? doc
      : { description: DEFAULT_DESCRIPTIONS[status], message: doc };
  return ApiResponse({
    status,
    description,
    type: ErrorResponseDto,
    example: { statusCode: status, message, error: STATUS_CODES[status] },
  });
}

/**
 * Documents the error responses an operation can give, all with the `ErrorResponseDto` body and
 * each with an example of this operation's own message, so Swagger UI shows what it would say.
 */
export function ApiErrorResponses(errors: {
  [Status in DocumentedErrorStatus]?: ErrorDoc;
}): MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, doc]) =>
      errorResponse(Number(status) as DocumentedErrorStatus, doc),
    ),
  );
}

/** Bearer auth and its 401, for a whole guarded controller. */
export function ApiBearerProtected(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    errorResponse(401, 'Missing bearer token: send Authorization: Bearer <token>'),
  );
}
