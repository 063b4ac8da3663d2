import { Transform } from 'class-transformer';

const DECIMAL_DIGITS = /^[0-9]{1,30}$/;

/**
 * Turns a query parameter of plain decimal digits into a number and leaves anything else as it
 * came, so `@IsInt()` refuses it: `0x10`, `1e2`, `" 10 "`, `10.0` and repeated parameters are
 * 400s, not the numbers `Number()` would make of them. Pair it with a `@Max()`: digits beyond
 * 2^53 are still digits, and the bound refuses them before they reach a query.
 */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value,
  );
}
