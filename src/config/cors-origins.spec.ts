import { expect } from 'expect';
import { describe, it } from 'node:test';
import { corsOriginsProblems, parseCorsOrigins } from './cors-origins';

describe('CORS_ORIGINS', () => {
  it('is empty when unset or blank', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins(' , ')).toEqual([]);
    expect(corsOriginsProblems(undefined)).toEqual([]);
  });

  it('reads a comma-separated list of origins, normalised as browsers send them', () => {
    const value = ' https://Flowise.Example.com , http://localhost:8080/ ';
    expect(corsOriginsProblems(value)).toEqual([]);
    expect(parseCorsOrigins(value)).toEqual([
      'https://flowise.example.com',
      'http://localhost:8080',
    ]);
  });

  it('names each entry that is not an origin by position, without echoing it', () => {
    const problems = corsOriginsProblems(
      'https://ok.example, *, https://a.example/path, ftp://files.example, secret-ish-value',
    );
    expect(problems).toHaveLength(4);
    expect(problems.map((problem) => /entry (\d)/.exec(problem)?.[1])).toEqual([
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(problems.join('\n')).not.toContain('secret-ish-value');
  });
});
