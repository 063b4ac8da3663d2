import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads one line from stdin without echoing it: piped (`printf '%s\n' "$PW" | npm run cli ...`)
 * or typed at a prompt. Secrets never come from arguments, which other users can see in `ps`.
 */
export async function readSecretLine(prompt: string): Promise<string> {
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    process.stderr.write(prompt);
  }
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: muted, terminal: interactive });
  try {
    for await (const line of lines) {
      return line;
    }
    return '';
  } finally {
    lines.close();
    if (interactive) {
      process.stderr.write('\n');
    }
  }
}
