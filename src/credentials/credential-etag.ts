import {
  createParamDecorator,
  ExecutionContext,
  PreconditionFailedException,
} from '@nestjs/common';

/**
 * A credential's strong entity tag is its row version, which every write increments: `"3"`.
 * Two representations with the same version are byte-identical for the same caller.
 */
export function credentialETag(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an `If-Match` header accepts, by strong comparison (RFC 9110 §13.1.1): a weak tag
 * or one we never issued matches nothing. Undefined when there is no condition to check: no
 * header, or `*` (any current representation, and a missing credential is a 404 either way).
 */
export function ifMatchVersions(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') {
    return undefined;
  }
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = /^"([1-9]\d{0,14})"$/.exec(tag.trim());
    if (match) {
      versions.push(Number(match[1]));
    }
  }
  return versions;
}

export function credentialChanged(id: string): PreconditionFailedException {
  return new PreconditionFailedException(
    `Credential ${id} has changed since the ETag you sent in If-Match; get it again`,
  );
}

/**
 * The `If-Match` header's versions, as `ifMatchVersions` reads them. A parameter decorator of our
 * own rather than `@Headers('if-match')`, which the Swagger plugin would document as a second,
 * required header beside the `If-Match` that `ApiIfMatch` describes.
 */
export const IfMatch = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number[] | undefined => {
    const { headers } = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = headers['if-match'];
    return ifMatchVersions(Array.isArray(header) ? header.join(',') : header);
  },
);
