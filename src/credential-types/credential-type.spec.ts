import { expect } from 'expect';
import { describe, it } from 'node:test';
import { BUILT_IN_ALIASES, BUILT_IN_TYPES } from './catalogue/built-in-catalogue';
import { compareTypeNames } from './credential-type';

describe('compareTypeNames', () => {
  it('orders the catalogue as localeCompare did', () => {
    const names = [...BUILT_IN_TYPES.map((type) => type.name), ...Object.keys(BUILT_IN_ALIASES)];
    const collated = [...names].sort((a, b) => a.localeCompare(b, 'en'));
    expect([...names].reverse().sort(compareTypeNames)).toEqual(collated);
  });

  it('ignores case first, then puts lower case before upper case', () => {
    expect(['openAIApi', 'AWSApi', 'Zep', 'awsApi', 'openaiApi'].sort(compareTypeNames)).toEqual([
      'awsApi',
      'AWSApi',
      'openaiApi',
      'openAIApi',
      'Zep',
    ]);
    expect(compareTypeNames('mem0MemoryApi', 'mem0MemoryApi')).toBe(0);
  });
});
