import { ArgumentMetadata, Injectable, ParseUUIDPipe } from '@nestjs/common';

/**
 * `ParseUUIDPipe`, then lower case. Ids are stored lower-case and a UUID's case means nothing, so
 * the path parameter is made canonical once, here, before any lookup or write sees it.
 */
@Injectable()
export class CanonicalUuidPipe extends ParseUUIDPipe {
  // Our own constructor, so the injector asks for nothing: early Nest 12 releases (12.0.1) do not
  // see the parent's `@Optional()` options parameter, and a host on one of them failed to start.
  constructor() {
    super();
  }

  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    return ((await super.transform(value, metadata)) as string).toLowerCase();
  }
}
