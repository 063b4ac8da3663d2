import type { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { errorResponse } from './common-responses';

const IN_PROGRESS =
  'or: a request with this Idempotency-Key is still in progress; retry after Retry-After seconds';

/**
 * The answers an operation that takes `Idempotency-Key` adds: 409 while the key's first request
 * runs (with `Retry-After`), 422 for a key reused with another body, and the replay marker.
 */
export function addIdempotencyResponses(operation: OperationObject): void {
  const takesKey = (operation.parameters ?? []).some(
    (parameter) =>
      (parameter as ParameterObject).in === 'header' &&
      (parameter as ParameterObject).name === 'Idempotency-Key',
  );
  if (!takesKey) {
    return;
  }
  const responses = operation.responses as Record<string, ResponseObject>;
  const conflict = responses['409'];
  responses['409'] =
    conflict === undefined
      ? errorResponse(
          409,
          `Conflicts with what is stored, ${IN_PROGRESS}`,
          'A request with this Idempotency-Key is still in progress; retry later',
        )
      : { ...conflict, description: `${conflict.description}; ${IN_PROGRESS}` };
  responses['409'].headers = {
    ...responses['409'].headers,
    'Retry-After': { $ref: '#/components/headers/Retry-After' },
  };
  responses['422'] ??= errorResponse(
    422,
    'This Idempotency-Key was used with another request (method, path or body); send a new key',
    'This Idempotency-Key was used with another request; send a new key',
  );
  for (const [status, response] of Object.entries(responses)) {
    if (status.startsWith('2')) {
      response.headers = {
        ...response.headers,
        'Idempotent-Replayed': {
          description: '`true` when this is the kept answer to an earlier request with this key',
          schema: { type: 'string', enum: ['true'] },
        },
      };
    }
  }
}
