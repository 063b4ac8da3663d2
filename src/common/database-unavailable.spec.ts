import { expect } from 'expect';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  const failed = (driverError: Error & { code?: string }) =>
    new QueryFailedError('SELECT 1', [], driverError);

  it('is true for lost or refused connections, as pg reports them', () => {
    const terminated = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    );
    expect(isDatabaseUnavailable(failed(terminated))).toBe(true);
    expect(isDatabaseUnavailable(failed(new Error('Connection terminated unexpectedly')))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDatabaseUnavailable(failed(Object.assign(new Error('x'), { code: '08006' })))).toBe(
      true,
    );
  });

  it('is false for errors of the query itself', () => {
    const unique = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(isDatabaseUnavailable(failed(unique))).toBe(false);
    expect(isDatabaseUnavailable(new Error('SQLITE_FULL: database or disk is full'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
