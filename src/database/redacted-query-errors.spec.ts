import { expect } from 'expect';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import { redactQueryErrors } from './redacted-query-errors';

describe('redactQueryErrors', () => {
  it('prints a query error without its SQL or parameters, even where the message repeats one', () => {
    redactQueryErrors();
    const driverError = Object.assign(
      new Error('SQLITE_CONSTRAINT: value "Prod OpenAI key" is wrong'),
      { code: 'SQLITE_CONSTRAINT' },
    );
    const error = new QueryFailedError(
      'INSERT INTO "credential"("name", "encryptedData") VALUES (?, ?)',
      ['Prod OpenAI key', 'v2.1.ciphertext-here'],
      driverError,
    );
    for (const printed of [inspect(error), JSON.stringify(error), inspect({ wrapped: error })]) {
      expect(printed).not.toContain('Prod OpenAI key');
      expect(printed).not.toContain('ciphertext-here');
      expect(printed).not.toContain('INSERT INTO');
      expect(printed).toContain('SQLITE_CONSTRAINT');
    }
  });
});
