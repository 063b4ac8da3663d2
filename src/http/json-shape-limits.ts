/**
 * How large a JSON body may be in shape, not only in bytes: a 1 MiB body of 80 000 keys or
 * 10 000 nested arrays parses in milliseconds but then costs validation seconds (or the stack).
 * No request of this API comes near: the largest is a credential of at most 100 secret fields.
 */
export const MAX_JSON_DEPTH = 16;
export const MAX_JSON_MEMBERS = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Why a JSON text is over the shape limits, or undefined. One pass over the raw bytes, before
 * any parsing: nesting depth and members (object keys plus array elements, counted as
 * containers plus commas, an upper bound). UTF-8 never puts these ASCII bytes inside a
 * multi-byte character, so scanning bytes is exact; malformed JSON is left to the parser.
 */
export function jsonShapeProblem(body: Buffer): string | undefined {
  let depth = 0;
  let members = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) {
      i = closingQuote(body, i);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      members++;
      if (depth > MAX_JSON_DEPTH) {
        return `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    } else if (byte === COMMA) {
      members++;
    }
    if (members > MAX_JSON_MEMBERS) {
      return `Request body has more than ${MAX_JSON_MEMBERS} keys and array elements`;
    }
  }
  return undefined;
}

/**
 * The index of the quote closing the string opened at `open` (or the end): found with the
 * native `indexOf`, so a megabyte of string costs a memchr, not a loop in JavaScript. A quote
 * after an odd run of backslashes is escaped.
 */
function closingQuote(body: Buffer, open: number): number {
  let quote = body.indexOf(QUOTE, open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) {
      backslashes++;
    }
    if (backslashes % 2 === 0) {
      return quote;
    }
    quote = body.indexOf(QUOTE, quote + 1);
  }
  return body.length;
}
