import { existsSync, readFileSync } from 'node:fs';
import { after } from 'node:test';
import type { Response } from 'supertest';
import { processLogs } from './log-capture';

/** Every secret any ledger of this test process was given. */
const everySecret = new Set<string>();

/** Every secret a spec sent, so that every response and file can be scanned for them. */
export class SecretLedger {
  private readonly secrets = new Set<string>();

  add<T extends string>(secret: T): T {
    if (secret.length < 12) {
      throw new Error('A secret to scan for must be at least 12 characters, or matches are noise');
    }
    this.secrets.add(secret);
    everySecret.add(secret);
    return secret;
  }

  /** Fails naming the leaked secret's position, never printing the whole haystack twice. */
  expectAbsentFrom(haystack: string, where: string): void {
    for (const secret of this.secrets) {
      const at = haystack.indexOf(secret);
      if (at >= 0) {
        // Show where, with the secret itself masked, so the failure report leaks nothing either.
        const context = haystack
          .slice(Math.max(0, at - 200), at + secret.length + 50)
          .replace(secret, '<SECRET>');
        throw new Error(`A plaintext secret leaked into ${where}: ...${context}...`);
      }
    }
  }

  expectResponseClean(response: Response, request: string): void {
    this.expectAbsentFrom(
      `${JSON.stringify(response.headers)}\n${response.text}`,
      `the response to ${request}`,
    );
  }

  expectFilesClean(paths: string[]): void {
    for (const path of paths.filter((p) => existsSync(p))) {
      const bytes = readFileSync(path);
      for (const secret of this.secrets) {
        if (bytes.includes(Buffer.from(secret, 'utf8'))) {
          throw new Error(`A plaintext secret leaked into ${path}`);
        }
      }
    }
  }

  get size(): number {
    return this.secrets.size;
  }
}

/**
 * After the last test of every file that uses a ledger: no secret any of them was given appears
 * in any log line of this test process (its in-process apps, its spawned servers and commands).
 */
after(() => {
  const all = new SecretLedger();
  for (const secret of everySecret) {
    all.add(secret);
  }
  all.expectAbsentFrom(processLogs.everything(), "this test file's logs");
});
