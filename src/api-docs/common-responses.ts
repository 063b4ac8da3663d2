import type { OperationObject, ResponseObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

const ERROR_SCHEMA = { $ref: '#/components/schemas/ErrorResponseDto' };

/** Headers the standalone server puts on responses, for `components.headers`. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: 'The request id you sent (1-128 of A-Z a-z 0-9 . _ : -), or one generated',
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed per window for your principal (or address when signed out)',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer' },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets',
    schema: { type: 'integer' },
  },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  'WWW-Authenticate': {
    description: 'The bearer challenge of RFC 6750',
    schema: { type: 'string' },
  },
  Location: { description: 'The path of the created resource', schema: { type: 'string' } },
};

type HeaderName = keyof typeof RESPONSE_HEADERS;

export function errorResponse(status: number, description: string, message: string | string[]) {
  return {
    description,
    content: {
      'application/json': {
        schema: ERROR_SCHEMA,
        example: { statusCode: status, message, error: STATUS_CODES[status] },
      },
    },
  };
}

/** Statuses any operation can answer before it runs: the server's limits, the rate limit. */
const ANY_OPERATION: Record<string, ResponseObject> = {
  '414': errorResponse(414, 'The URL is longer than the server accepts', 'URI Too Long'),
  '429': errorResponse(
    429,
    'The rate limit of your principal (or address) is reached; see Retry-After',
    'Rate limit of 1000 requests reached; try again in 42 seconds',
  ),
  '431': errorResponse(431, 'The request headers are too large', 'Request Header Fields Too Large'),
  '503': errorResponse(
    503,
    'The database is unreachable for a moment (PostgreSQL connections lost); see Retry-After',
    'The database is unreachable for a moment; retry shortly',
  ),
};

/** Statuses any operation with a body can answer. */
const WITH_BODY: Record<string, ResponseObject> = {
  '413': errorResponse(413, 'The body is larger than 1 MiB', 'Request body is too large'),
  '415': errorResponse(415, 'The body is not JSON', 'Send the body as application/json'),
};

/**
 * Statuses any write can answer: the audit trail could not record it (fail closed), a database
 * that cannot commit for want of space.
 */
const WRITES: Record<string, ResponseObject> = {
  '500': errorResponse(
    500,
    'The audit trail could not record the change, so it was not made: nothing was changed',
    'The audit trail could not record this operation, so it was not carried out. Nothing was changed; retry later, and tell the operator if it persists.',
  ),
  '507': errorResponse(
    507,
    'The database cannot commit for want of disk space; nothing was changed, retry once freed',
    'Insufficient storage: the write was not saved; try again once disk space is freed',
  ),
};

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Adds the server-wide responses and their headers to one operation. */
export function addCommonResponses(operation: OperationObject, method: string): void {
  const responses = operation.responses as Record<string, ResponseObject>;
  const extra = {
    ...ANY_OPERATION,
    ...(operation.requestBody ? WITH_BODY : {}),
    ...(WRITE_METHODS.has(method) ? WRITES : {}),
  };
  for (const [status, response] of Object.entries(extra)) {
    responses[status] ??= response;
  }
  for (const [status, response] of Object.entries(responses)) {
    const names: HeaderName[] = ['X-Request-Id'];
    if (status.startsWith('2')) {
      names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
    }
    if (status === '201') {
      names.push('Location');
    }
    if (status === '401') {
      names.push('WWW-Authenticate');
    }
    if (status === '429' || status === '503') {
      names.push('Retry-After');
    }
    response.headers = {
      ...response.headers,
      ...Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }])),
    };
  }
}
