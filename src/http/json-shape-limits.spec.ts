import { expect } from 'expect';
import { describe, it } from 'node:test';
import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_MEMBERS } from './json-shape-limits';

const check = (text: string) => jsonShapeProblem(Buffer.from(text));

describe('jsonShapeProblem', () => {
  it('accepts bodies within the limits, whatever their strings hold', () => {
    expect(check('{"a":"[[[[{{{{,,,,","b":"\\"[[[[","c":"\\\\"}')).toBeUndefined();
    expect(check('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined();
    const members = Array.from({ length: MAX_JSON_MEMBERS - 1 }, (_, i) => `"k${i}":1`);
    expect(check(`{${members.join(',')}}`)).toBeUndefined();
    expect(check(`{"x":"${'\u00e9["'.repeat(10).replace(/"/g, '\\"')}"}`)).toBeUndefined();
  });

  it('refuses one level or one member too many', () => {
    expect(check('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toMatch(
      /nested deeper than 16 levels/,
    );
    const members = Array.from({ length: MAX_JSON_MEMBERS + 1 }, (_, i) => `"k${i}":1`);
    expect(check(`{${members.join(',')}}`)).toMatch(/more than 256 keys and array elements/);
    // An escaped backslash ends its escape: the quote after it closes the string.
    expect(check(`{"a":"\\\\",${'['.repeat(20)}`)).toMatch(/nested deeper/);
  });
});
