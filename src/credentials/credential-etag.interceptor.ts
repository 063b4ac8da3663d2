import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { credentialETag } from './credential-etag';
import { rowVersionOf } from './credential-version';

/** What Express's and Fastify's responses both offer. */
interface HeaderWriter {
  header(name: string, value: string): unknown;
}

/**
 * Sends the `ETag` of the credential a handler returns. A matching `If-None-Match` then turns a
 * GET into a 304 at the HTTP edge (Fastify: `src/http/conditional-get.ts`; Express does it itself).
 */
@Injectable()
export class CredentialETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<HeaderWriter>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = rowVersionOf(body);
        if (version !== undefined) {
          response.header('ETag', credentialETag(version));
        }
        return body;
      }),
    );
  }
}
