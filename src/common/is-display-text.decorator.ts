import { ValidateBy, ValidationArguments } from 'class-validator';

/** C0 and C1 control characters, NUL included: never part of a name a person reads. */
const CONTROL = /\p{Cc}/u;
/** Bidi embeddings, overrides, isolates and marks: they make `evil\u202Egnp.exe` read as `evilexe.png`. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** In `u` mode only an unpaired surrogate is a code point of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Something that shows: not whitespace, not a format character (zero-width space, joiner...). */
const VISIBLE = /[^\s\p{Cf}\p{Cc}]/u;

/** Longer text is left to `@Length` (which refuses it): no need to scan a megabyte of it. */
const SCANNED_LENGTH = 4096;

/** What is wrong with a display name, or undefined when it is fine. */
export function displayTextProblem(value: string): string | undefined {
  if (value.length > SCANNED_LENGTH) {
    return undefined;
  }
  if (LONE_SURROGATE.test(value)) {
    return 'must be well-formed Unicode (it holds an unpaired surrogate)';
  }
  if (CONTROL.test(value)) {
    return 'must not contain control characters (such as NUL or a line break)';
  }
  if (BIDI_CONTROL.test(value)) {
    return 'must not contain bidirectional control characters (such as U+202E)';
  }
  if (!VISIBLE.test(value)) {
    return 'must contain a visible character (not only spaces or zero-width characters)';
  }
  return undefined;
}

/**
 * A name people read in lists: well-formed Unicode, no control or bidi characters, something
 * visible. Emoji sequences (with zero-width joiners) and every script stay valid.
 */
export function IsDisplayText(): PropertyDecorator {
  return ValidateBy({
    name: 'isDisplayText',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && displayTextProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'value'} ${
          typeof args?.value === 'string'
            ? (displayTextProblem(args.value) ?? 'is invalid')
            : 'must be a string'
        }`,
    },
  });
}
