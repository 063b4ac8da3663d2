import { expect } from 'expect';
import { describe, it } from 'node:test';
import { PasswordService } from './password.service';

describe('PasswordService', () => {
  const passwords = new PasswordService();

  it('hashes with scrypt at OWASP cost, salted, and verifies only the right password', async () => {
    const hash = await passwords.hash('correct horse battery');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(hash).not.toContain('correct horse battery');
    expect(await passwords.hash('correct horse battery')).not.toBe(hash);
    expect(await passwords.verify(hash, 'correct horse battery')).toBe(true);
    expect(await passwords.verify(hash, 'correct horse batterY')).toBe(false);
  });

  it('refuses a malformed hash instead of throwing', async () => {
    expect(await passwords.verify('not-a-hash', 'x')).toBe(false);
    expect(await passwords.verifyNothing('anything')).toBe(false);
  });
});
