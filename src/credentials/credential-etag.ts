import {
  createParamDecorator,
  ExecutionContext,
  PreconditionFailedException,
} from '@nestjs/common';
import { rowVersionOf } from './credential-version';

/**
 * A credential's strong entity tag is its row version, which every write increments: `"3"`.
 * Two representations with the same version are byte-identical for the same caller.
 */
export function credentialETag(version: number): string {
  return `"${version}"`;
}

/** What Express's and Fastify's responses both offer. */
export interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/**
 * The credential response `answer` resolves to, once its `ETag` is set on `reply`. A matching
 * `If-None-Match` then turns a GET into a 304 at the HTTP edge (Fastify:
 * `src/http/conditional-get.ts`; Express does it itself). Set by the handler rather than by an
 * interceptor, which would wrap the request in rxjs observables (measured: a fifth of a get's CPU).
 */
export async function sendingETag<T>(reply: HeaderWriter, answer: Promise<T>): Promise<T> {
  const response = await answer;
  const version = rowVersionOf(response);
  if (version !== undefined) {
    reply.header('ETag', credentialETag(version));
  }
  return response;
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
