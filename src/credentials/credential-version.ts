/**
 * The row version a credential response was made from, carried beside the response rather than
 * in it: the HTTP layer turns it into an `ETag`, while the JSON body (Flowise's shape) and
 * in-process callers see nothing new. A non-enumerable symbol: JSON, spreads and deep equality
 * all skip it.
 */
const ROW_VERSION = Symbol('credentialRowVersion');

export function withRowVersion<T extends object>(response: T, version: number): T {
  Object.defineProperty(response, ROW_VERSION, { value: version, enumerable: false });
  return response;
}

export function rowVersionOf(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null) {
    return undefined;
  }
  const version = (response as { [ROW_VERSION]?: unknown })[ROW_VERSION];
  return typeof version === 'number' ? version : undefined;
}
