import { expect } from 'expect';
import { describe, it } from 'node:test';
import {
  FLOWISE_REDACTED_VALUE,
  keepsStoredData,
  mergePlainData,
  plainDataProblems,
} from './plain-data';

describe('plainDataProblems', () => {
  const strict = { allowNull: false };

  it('accepts strings, finite numbers and booleans', () => {
    expect(plainDataProblems({ a: 'x', b: 1.5, c: false }, strict)).toEqual([]);
  });

  for (const [label, value] of [
    ['an array', ['x']],
    ['a string', 'x'],
    ['null', null],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(plainDataProblems(value, strict)).toEqual(['plainDataObj must be a JSON object']);
    });
  }

  it('refuses an empty object', () => {
    expect(plainDataProblems({}, strict)).toEqual(['plainDataObj must have at least one key']);
  });

  it('names every bad key and never quotes a value', () => {
    const problems = plainDataProblems(
      { nested: { secret: 'hidden-value' }, list: ['hidden-value'], nan: NaN, '': 'x' },
      strict,
    );
    expect(problems).toEqual([
      'plainDataObj.nested must be a string, number or boolean',
      'plainDataObj.list must be a string, number or boolean',
      'plainDataObj.nan must be a string, number or boolean',
      'plainDataObj keys must not be empty',
    ]);
    expect(problems.join()).not.toContain('hidden-value');
  });

  it('refuses prototype keys', () => {
    const value = JSON.parse('{"__proto__": "x", "constructor": "y", "prototype": "z"}') as object;
    expect(plainDataProblems(value, strict)).toEqual([
      'plainDataObj must not have the key __proto__',
      'plainDataObj must not have the key constructor',
      'plainDataObj must not have the key prototype',
    ]);
  });

  it('refuses more than 100 keys and more than 64 KiB', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
    expect(plainDataProblems(many, strict)).toContain('plainDataObj must have at most 100 keys');
    expect(plainDataProblems({ big: 'x'.repeat(64 * 1024) }, strict)).toEqual([
      'plainDataObj must be at most 65536 bytes as JSON',
    ]);
  });

  it('accepts null only where asked (a merge patch)', () => {
    expect(plainDataProblems({ a: null }, strict)).toHaveLength(1);
    expect(plainDataProblems({ a: null }, { allowNull: true })).toEqual([]);
  });
});

describe('mergePlainData', () => {
  it('replaces sent keys, keeps omitted ones, removes nulls and keeps redacted ones', () => {
    const stored = { apiKey: 'old', region: 'eu', endpoint: 'https://x' };
    const merged = mergePlainData(stored, {
      apiKey: 'new',
      region: null,
      endpoint: FLOWISE_REDACTED_VALUE,
      extra: 3,
    });
    expect(merged).toEqual({ apiKey: 'new', endpoint: 'https://x', extra: 3 });
    expect(stored).toEqual({ apiKey: 'old', region: 'eu', endpoint: 'https://x' });
  });

  it('never stores the redaction sentinel for a key that was not stored', () => {
    expect(mergePlainData({ a: '1' }, { b: FLOWISE_REDACTED_VALUE })).toEqual({ a: '1' });
  });
});

describe('keepsStoredData', () => {
  it('is true for no patch, {} and a patch of only sentinels', () => {
    expect(keepsStoredData(undefined)).toBe(true);
    expect(keepsStoredData({})).toBe(true);
    expect(keepsStoredData({ a: FLOWISE_REDACTED_VALUE, b: FLOWISE_REDACTED_VALUE })).toBe(true);
  });

  it('is false as soon as one key changes or is removed', () => {
    expect(keepsStoredData({ a: FLOWISE_REDACTED_VALUE, b: 'new' })).toBe(false);
    expect(keepsStoredData({ a: null })).toBe(false);
  });

  it('lets an update accept {} while a create still refuses it', () => {
    expect(plainDataProblems({}, { allowNull: true, allowEmpty: true })).toEqual([]);
    expect(plainDataProblems({}, { allowNull: false })).toEqual([
      'plainDataObj must have at least one key',
    ]);
  });
});
