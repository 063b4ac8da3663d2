import etag from 'etag';
import { CredentialTypesRegistry } from '../credential-types.registry';
import { generatedIconSvg } from './generated-icon';
import { IconImage, readIconFile } from './icon-file';

export interface CredentialIcon extends IconImage {
  etag: string;
}

/**
 * One image per credential type, made when the server starts: the custom type's own file, or a
 * generated badge. Aliases share their type's icon.
 */
export class CredentialIcons {
  private readonly icons = new Map<string, CredentialIcon>();

  constructor(private readonly types: CredentialTypesRegistry) {
    for (const type of types.list()) {
      const image: IconImage = type.icon
        ? readIconFile(type.icon)
        : { contentType: 'image/svg+xml', bytes: Buffer.from(generatedIconSvg(type), 'utf8') };
      this.icons.set(type.name, { ...image, etag: etag(image.bytes) });
    }
  }

  /** The icon of the type of this name or alias. */
  find(name: string): CredentialIcon | undefined {
    const type = this.types.find(name);
    return type && this.icons.get(type.name);
  }
}
