/** A credential's secret fields, as clients send them in `plainDataObj`. */
export type PlainData = Record<string, string | number | boolean>;

/** What a `PUT` may send: a value of `null` removes that key. */
export type PlainDataPatch = Record<string, string | number | boolean | null>;

export const PLAIN_DATA_LIMITS = { maxKeys: 100, maxKeyLength: 255, maxBytes: 64 * 1024 } as const;

/** Flowise's redaction sentinel: clients echo it back for a field they did not change. */
export const FLOWISE_REDACTED_VALUE = '_FLOWISE_BLANK_07167752-1a71-43b1-bf8f-4f32252165db';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every rule `plainDataObj` breaks, each naming the key it concerns. Messages never quote a
 * value: values are secrets.
 */
export function plainDataProblems(
  value: unknown,
  options: { allowNull: boolean; allowEmpty?: boolean },
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['plainDataObj must be a JSON object'];
  }
  const keys = Object.keys(value);
  const problems: string[] = [];
  if (keys.length === 0 && options.allowEmpty !== true) {
    problems.push('plainDataObj must have at least one key');
  }
  if (keys.length > PLAIN_DATA_LIMITS.maxKeys) {
    problems.push(`plainDataObj must have at most ${PLAIN_DATA_LIMITS.maxKeys} keys`);
  }
  for (const key of keys.slice(0, PLAIN_DATA_LIMITS.maxKeys + 1)) {
    const keyProblem = describeKeyProblem(key);
    if (keyProblem) {
      problems.push(keyProblem);
      continue;
    }
    const field: unknown = (value as Record<string, unknown>)[key];
    if (!isAllowedValue(field, options.allowNull)) {
      const allowed = options.allowNull
        ? 'a string, number, boolean or null'
        : 'a string, number or boolean';
      problems.push(`plainDataObj.${key} must be ${allowed}`);
    }
  }
  if (problems.length === 0 && isOverSize(value, PLAIN_DATA_LIMITS.maxBytes)) {
    problems.push(`plainDataObj must be at most ${PLAIN_DATA_LIMITS.maxBytes} bytes as JSON`);
  }
  return problems;
}

/**
 * Flowise's merge: keys sent replace, keys omitted keep their value, `null` removes a key and the
 * redaction sentinel keeps whatever is stored.
 */
export function mergePlainData(stored: PlainData, patch: PlainDataPatch): PlainData {
  const merged: PlainData = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete merged[key];
    } else if (value !== FLOWISE_REDACTED_VALUE) {
      merged[key] = value;
    }
  }
  return merged;
}

/**
 * Whether a `PUT`'s `plainDataObj` leaves the stored data as it is: absent, `{}`, or every key the
 * redaction sentinel (Flowise's dialog saved without touching a secret).
 */
export function keepsStoredData(patch: PlainDataPatch | undefined): boolean {
  return patch === undefined || Object.values(patch).every((v) => v === FLOWISE_REDACTED_VALUE);
}

/** A create body must not store the sentinel as if it were a secret. */
export function withoutRedactedValues(data: PlainData): PlainData {
  return mergePlainData({}, data);
}

/** Text alone over the limit needs no serialising to tell (a 1 MiB value: 10 ms saved). */
function isOverSize(value: object, maxBytes: number): boolean {
  let textLength = 0;
  for (const field of Object.values(value as Record<string, unknown>)) {
    textLength += typeof field === 'string' ? field.length : 0;
  }
  return textLength > maxBytes || serializedSize(value) > maxBytes;
}

export function serializedSize(value: object): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function describeKeyProblem(key: string): string | undefined {
  if (key.trim() === '') {
    return 'plainDataObj keys must not be empty';
  }
  if (key.length > PLAIN_DATA_LIMITS.maxKeyLength) {
    return `plainDataObj keys must be at most ${PLAIN_DATA_LIMITS.maxKeyLength} characters`;
  }
  if (FORBIDDEN_KEYS.has(key)) {
    return `plainDataObj must not have the key ${key}`;
  }
  return undefined;
}

function isAllowedValue(value: unknown, allowNull: boolean): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return allowNull && value === null;
  }
}
