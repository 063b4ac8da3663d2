import { isNumberString } from 'class-validator';
import { PlainData } from '../core/plain-data';
import { CredentialTypeDefinition, CredentialTypeInput, isRequiredInput } from './credential-type';

/**
 * Every way `data` breaks its credential type, each naming the field. Messages never quote a
 * value: values are secrets. The generic rules (`plainDataProblems`) are checked before this.
 */
export function credentialDataProblems(type: CredentialTypeDefinition, data: PlainData): string[] {
  const problems: string[] = [];
  const inputs = new Map(type.inputs.map((input) => [input.name, input]));
  for (const input of type.inputs) {
    if (isRequiredInput(type, input) && isEmpty(data[input.name])) {
      problems.push(`plainDataObj.${input.name} is required by ${type.name} (${input.label})`);
    }
  }
  const unknownKeys = Object.keys(data).filter((key) => !inputs.has(key));
  if (!type.allowExtraKeys) {
    for (const key of unknownKeys) {
      problems.push(
        `plainDataObj.${key} is not an input of ${type.name}; allowed: ${[...inputs.keys()].join(', ')}`,
      );
    }
  }
  for (const [key, value] of Object.entries(data)) {
    const input = inputs.get(key);
    const expected = input && !isEmpty(value) ? describeTypeMismatch(input, value) : undefined;
    if (expected) {
      problems.push(`plainDataObj.${key} must be ${expected}`);
    }
  }
  return problems;
}

function isEmpty(value: PlainData[string] | undefined): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** What the value should have been, or undefined when it fits. */
function describeTypeMismatch(
  input: CredentialTypeInput,
  value: string | number | boolean,
): string | undefined {
  switch (input.type) {
    case 'password':
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'number':
      return typeof value === 'number' || isNumberString(value)
        ? undefined
        : 'a number or a numeric string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'url':
      return typeof value === 'string' && URL.canParse(value)
        ? undefined
        : 'an absolute URL with a scheme, such as https://host/path';
    case 'json':
      return typeof value === 'string' && parsesAsJson(value)
        ? undefined
        : 'a string holding valid JSON';
    case 'options': {
      const names = (input.options ?? []).map((option) => option.name);
      return typeof value === 'string' && names.includes(value)
        ? undefined
        : `one of: ${names.join(', ')}`;
    }
  }
}

function parsesAsJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
