import { readSecretLine } from './read-secret';

/**
 * A bundle's passphrase: one line from stdin, piped (`... < passphrase.txt`, a secret manager) or
 * typed without echo. Never taken from an argument or a variable, where `ps` or a history shows it.
 */
export async function readPassphrase(): Promise<string> {
  return (await readSecretLine('Passphrase (one line): ')).replace(/\r$/, '');
}
