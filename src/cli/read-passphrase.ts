import { createInterface } from 'node:readline';

/**
 * One line from stdin: piped (`... < passphrase.txt`, a secret manager) or typed. Never taken
 * from an argument or a variable, where it would show up in `ps` or a shell history.
 */
export async function readPassphrase(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('Passphrase (one line): ');
  }
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) {
      return line.replace(/\r$/, '');
    }
    return '';
  } finally {
    lines.close();
  }
}
