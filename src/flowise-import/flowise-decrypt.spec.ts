import CryptoJS from 'crypto-js';
import { expect } from 'expect';
import { describe, it } from 'node:test';
import { decryptFlowiseData, FlowiseDecryptError } from './flowise-decrypt';

/** Exactly what Flowise does: `AES.encrypt(JSON.stringify(plainDataObj), passphrase)`. */
const flowiseEncrypt = (data: object, passphrase: string) =>
  CryptoJS.AES.encrypt(JSON.stringify(data), passphrase).toString();

const reasonOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(FlowiseDecryptError);
    return (error as FlowiseDecryptError).reason;
  }
};

describe('decryptFlowiseData', () => {
  it('opens what crypto-js encrypted with a passphrase, byte for byte', () => {
    const data = { openAIApiKey: 'sk-unit-secret', note: 'grüße ✓ 🔑', port: 5432, tls: true };
    const encrypted = flowiseEncrypt(data, 'flowise passphrase');
    expect(encrypted.startsWith('U2FsdGVkX1')).toBe(true);
    expect(decryptFlowiseData(encrypted, 'flowise passphrase')).toBe(JSON.stringify(data));
  });

  it('uses the passphrase untrimmed, as Flowise reads encryption.key (trailing newline kept)', () => {
    const encrypted = flowiseEncrypt({ apiKey: 'sk-newline' }, 'k3y-from-file\n');
    expect(decryptFlowiseData(encrypted, 'k3y-from-file\n')).toBe('{"apiKey":"sk-newline"}');
    expect(reasonOf(() => decryptFlowiseData(encrypted, 'k3y-from-file'))).toBe('key');
  });

  it('derives key and IV from UTF-8 passphrase bytes, like crypto-js', () => {
    const encrypted = flowiseEncrypt({ apiKey: 'sk-utf8' }, 'pässwörd-🔐');
    expect(decryptFlowiseData(encrypted, 'pässwörd-🔐')).toBe('{"apiKey":"sk-utf8"}');
  });

  it('fails every wrong-key attempt as a key problem, never returning garbage', () => {
    for (let i = 0; i < 300; i++) {
      const encrypted = flowiseEncrypt({ apiKey: `sk-${i}` }, 'right key');
      expect(reasonOf(() => decryptFlowiseData(encrypted, `wrong key ${i}`))).toBe('key');
    }
  });

  it('calls anything that is not crypto-js passphrase output a format problem', () => {
    const keyed = CryptoJS.AES.encrypt('x', CryptoJS.enc.Hex.parse('00'.repeat(32)), {
      iv: CryptoJS.enc.Hex.parse('00'.repeat(16)),
    }).toString();
    for (const value of [
      '',
      'not base64 at all',
      Buffer.from('Salted__12345678').toString('base64'),
      keyed,
    ]) {
      expect(reasonOf(() => decryptFlowiseData(value, 'any'))).toBe('format');
    }
  });

  it('never quotes the data in an error message', () => {
    const encrypted = CryptoJS.AES.encrypt('sk-not-json-secret', 'k').toString();
    try {
      decryptFlowiseData(encrypted, 'k');
      throw new Error('should have failed');
    } catch (error) {
      expect((error as Error).message).toBe('decrypted text is not JSON');
    }
  });
});
