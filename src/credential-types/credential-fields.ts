import { PlainData } from '../core/plain-data';
import { CredentialTypeDefinition, isSecretInput } from './credential-type';
import { CredentialFieldDto } from './dto/credential-field.dto';

/**
 * Which inputs of a credential hold a value. Declared inputs come first, in the type's order;
 * stored keys the type does not declare (OAuth tokens, unknown types) follow as secrets.
 */
export function describeFields(
  type: CredentialTypeDefinition | undefined,
  data: PlainData,
): CredentialFieldDto[] {
  const declared = (type?.inputs ?? []).map((input) => {
    const value = data[input.name];
    const set = isSet(value);
    const secret = isSecretInput(input);
    const field: CredentialFieldDto = {
      name: input.name,
      label: input.label,
      type: input.type,
      set,
      secret,
    };
    if (set && !secret) {
      field.value = value;
    }
    return field;
  });
  const declaredNames = new Set(declared.map((field) => field.name));
  const undeclared = Object.keys(data)
    .filter((key) => !declaredNames.has(key))
    .map((key) => ({
      name: key,
      label: key,
      type: 'password',
      set: isSet(data[key]),
      secret: true,
    }));
  return [...declared, ...undeclared];
}

function isSet(value: PlainData[string] | undefined): value is string | number | boolean {
  return value !== undefined && value !== '';
}
