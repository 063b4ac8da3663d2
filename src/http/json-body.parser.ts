import { BadRequestException } from '@nestjs/common';
import { findPrototypeKey } from '../common/validation';

const BODYLESS_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS']);

/**
 * The JSON body parser of the standalone server. Unlike Fastify's it names a reserved key
 * (`__proto__`, `constructor`, `prototype`) instead of calling the body invalid JSON, and it
 * accepts an empty body on a DELETE that still says `Content-Type: application/json`, as many
 * HTTP clients send. `JSON.parse` makes `__proto__` an own key, never a prototype, so refusing
 * it here is safe.
 */
export function parseJsonBody(
  request: { method: string },
  body: Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  try {
    done(null, parseJson(request.method, body));
  } catch (error) {
    done(error as Error);
  }
}

function parseJson(method: string, body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '' && BODYLESS_METHODS.has(method)) {
    return undefined;
  }
  let value: unknown;
  let reserved: string | undefined;
  try {
    value = JSON.parse(text);
    reserved = findPrototypeKey(value, '');
  } catch (error) {
    throw new BadRequestException(
      error instanceof RangeError ? 'Body is nested too deeply' : 'Body is not valid JSON',
    );
  }
  if (reserved !== undefined) {
    throw new BadRequestException(
      `${reserved} is not allowed: __proto__, constructor and prototype are reserved keys`,
    );
  }
  return value;
}
