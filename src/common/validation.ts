import { BadRequestException, Type, ValidationPipe } from '@nestjs/common';

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Nest's pipe silently deletes `__proto__` and `constructor` keys before validation; we refuse
 * them instead, so a client never has a field of its secret dropped without being told.
 */
class RefusingPrototypeKeysValidationPipe extends ValidationPipe {
  protected override stripProtoKeys(value: unknown): void {
    const path = findPrototypeKey(value, '');
    if (path !== undefined) {
      throw new BadRequestException(
        `${path} is not allowed: __proto__, constructor and prototype are reserved keys`,
      );
    }
  }
}

function findPrototypeKey(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) {
      return keyPath;
    }
    const nested = findPrototypeKey((value as Record<string, unknown>)[key], keyPath);
    if (nested !== undefined) {
      return nested;
    }
  }
  return undefined;
}

/**
 * The pipe every controller of ours uses (never global: hosts keep their own). Unknown fields
 * are refused, not dropped, so a typo is an error instead of a silent no-op.
 */
export const validationPipe = new RefusingPrototypeKeysValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
});

/**
 * Validates and converts input exactly as the HTTP pipe does, with the same messages, so that
 * services apply the API's rules to in-process callers too: one implementation for both.
 */
export async function validateInput<T extends object>(
  metatype: Type<T>,
  value: unknown,
): Promise<T> {
  return (await validationPipe.transform(value, { type: 'body', metatype })) as T;
}
