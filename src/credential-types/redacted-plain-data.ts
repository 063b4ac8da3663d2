import { FLOWISE_REDACTED_VALUE, PlainData } from '../core/plain-data';
import { CredentialTypeDefinition, isSecretInput } from './credential-type';

/**
 * A credential's data as Flowise's edit dialog expects it: every key stored, the value of each
 * non-secret input kept, every secret replaced by Flowise's sentinel. The same rule as the fields
 * view: only inputs the type declares as non-secret show a value; undeclared keys (OAuth tokens,
 * every key of an unknown type) are secrets.
 */
export function redactPlainData(
  type: CredentialTypeDefinition | undefined,
  data: PlainData,
): PlainData {
  const nonSecret = new Set(
    (type?.inputs ?? []).filter((input) => !isSecretInput(input)).map((input) => input.name),
  );
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      nonSecret.has(key) ? value : FLOWISE_REDACTED_VALUE,
    ]),
  );
}
