import { applyDecorators, Type } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';

const ETAG_HEADER = {
  ETag: {
    description:
      'The credential\'s version as a strong entity tag, e.g. `"3"`; changes on every write',
    schema: { type: 'string' },
  },
};

/** Documents the credential's `ETag` on the operation's success status (`sendingETag` sends it). */
export function SendsCredentialETag(status: 200 | 201, type: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status,
      type,
      description: status === 201 ? 'Created' : 'OK',
      headers: ETAG_HEADER,
    }),
  );
}

/** `If-None-Match` on a GET: 304 with no body while the client's copy is current. */
export function ApiIfNoneMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'An ETag from an earlier answer: 304 if the credential has not changed since',
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: the ETag you sent is still current (no body)',
      headers: ETAG_HEADER,
    }),
  );
}

/** `If-Match` on a write: done only at that version, atomically, else 412. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'An ETag from an earlier answer: the change is made only if the credential still has ' +
        'that version, else 412 and nothing changes. `*` matches any version.',
    }),
    ApiResponse({
      status: 412,
      description: 'The credential changed since the ETag sent in If-Match; nothing was changed',
      type: ErrorResponseDto,
      example: {
        statusCode: 412,
        message:
          'Credential 3f1c2a8e-6b1d-4c55-9a55-2b1f0d4e7a10 has changed since the ETag you sent in If-Match; get it again',
        error: 'Precondition Failed',
      },
    }),
  );
}
