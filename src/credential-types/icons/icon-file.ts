import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';

/** Icons are small; a larger file is more likely a mistake than a badge. */
export const MAX_ICON_BYTES = 256 * 1024;

/** The image formats an icon file may have, by extension, with how to recognise the bytes. */
const FORMATS: Readonly<
  Record<string, { contentType: string; matches: (bytes: Buffer) => boolean }>
> = {
  '.png': {
    contentType: 'image/png',
    matches: (bytes) => bytes.subarray(0, 8).equals(PNG_SIGNATURE),
  },
  '.jpg': { contentType: 'image/jpeg', matches: isJpeg },
  '.jpeg': { contentType: 'image/jpeg', matches: isJpeg },
  '.svg': {
    contentType: 'image/svg+xml',
    matches: (bytes) =>
      /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]/i.test(
        bytes.toString('utf8'),
      ),
  },
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isJpeg(bytes: Buffer): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export interface IconImage {
  contentType: string;
  bytes: Buffer;
}

/** What is wrong with an icon file (a path already resolved), or nothing. Reads at most once. */
export function iconFileProblem(path: string): string | undefined {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    return 'must be a .png, .svg, .jpg or .jpeg file';
  }
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      return 'is not a file';
    }
    size = stats.size;
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`;
  }
  if (size > MAX_ICON_BYTES) {
    return `is larger than ${MAX_ICON_BYTES / 1024} KiB`;
  }
  return format.matches(readFileSync(path))
    ? undefined
    : `does not hold a ${extname(path).slice(1).toUpperCase()} image`;
}

/** The icon file's bytes and type; call after `iconFileProblem` found nothing. */
export function readIconFile(path: string): IconImage {
  const format = FORMATS[extname(path).toLowerCase()];
  return { contentType: format.contentType, bytes: readFileSync(path) };
}
