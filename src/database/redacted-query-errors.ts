import { inspect } from 'node:util';
import { QueryFailedError } from 'typeorm';

const REDACTED = '[parameter]';

/** The error's text with every parameter value it repeats blanked out. */
function redact(text: string, parameters: unknown): string {
  const values = (Array.isArray(parameters) ? (parameters as unknown[]) : [])
    .filter((value) => typeof value === 'string' || typeof value === 'number')
    .map(String)
    .filter((value) => value.length >= 3)
    .sort((a, b) => b.length - a.length);
  return values.reduce((result, value) => result.split(value).join(REDACTED), text);
}

/**
 * TypeORM's QueryFailedError carries the SQL and its parameters (credential names, ciphertext),
 * and Nest logs an unexpected error with `util.inspect`, which prints them. Printed or
 * serialised, the error now shows its class, code, message and stack only, with any parameter
 * value the driver's message repeats blanked out. Applied once, to the class, so every path
 * that logs one (a service, a guard, the CLI) is covered.
 */
export function redactQueryErrors(): void {
  const prototype = QueryFailedError.prototype as QueryFailedError & Record<symbol, unknown>;
  if (Object.hasOwn(prototype, inspect.custom)) {
    return;
  }
  Object.defineProperty(prototype, inspect.custom, {
    value(this: QueryFailedError) {
      const code = (this as { code?: unknown }).code;
      const stack = this.stack ?? `${this.name}: ${this.message}`;
      return redact(
        code === undefined ? stack : `${stack}\n  code: ${code as string}`,
        this.parameters,
      );
    },
  });
  Object.defineProperty(prototype, 'toJSON', {
    value(this: QueryFailedError) {
      return {
        name: this.name,
        code: (this as { code?: unknown }).code,
        message: redact(this.message, this.parameters),
      };
    },
  });
}
