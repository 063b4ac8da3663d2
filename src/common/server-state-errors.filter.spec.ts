import { expect } from 'expect';
import { describe, it } from 'node:test';
import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { BusyException } from './busy.exception';
import { ServerStateError } from './server-state-errors.filter';

describe('ServerStateError (what ServerStateErrorsFilter catches)', () => {
  const failed = (code: string) =>
    new QueryFailedError('INSERT', [], Object.assign(new Error('failed'), { code }));

  it('matches a full queue, a lost database and a full disk', () => {
    expect(new BusyException('busy', 2)).toBeInstanceOf(ServerStateError);
    expect(failed('57P01')).toBeInstanceOf(ServerStateError);
    expect(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).toBeInstanceOf(
      ServerStateError,
    );
    expect(failed('SQLITE_FULL')).toBeInstanceOf(ServerStateError);
    expect(failed('53100')).toBeInstanceOf(ServerStateError);
  });

  it('leaves every other error to the host app and Nest (a 503 of its own included)', () => {
    for (const error of [
      new NotFoundException('Credential x not found'),
      new ServiceUnavailableException('not ready'),
      failed('23505'),
      failed('SQLITE_CONSTRAINT'),
      new Error('a bug'),
      undefined,
      'a string',
    ]) {
      expect(error instanceof ServerStateError).toBe(false);
    }
  });
});
