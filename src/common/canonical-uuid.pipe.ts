import { ArgumentMetadata, Injectable, ParseUUIDPipe } from '@nestjs/common';

/**
 * `ParseUUIDPipe`, then lower case. Ids are stored lower-case and a UUID's case means nothing, so
 * the path parameter is made canonical once, here, before any lookup or write sees it.
 */
@Injectable()
export class CanonicalUuidPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    return ((await super.transform(value, metadata)) as string).toLowerCase();
  }
}
