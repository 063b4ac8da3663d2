import { expect } from 'expect';
import { CommandFactory } from 'nest-commander';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CliModule } from '../../src/cli/cli.module';
import { loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/database/data-source-options';
import { emailValue, expectNoSecretInLogs, passwordValue } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';
import { querySql } from './portable-sql';
import { storeEnv } from './test-store';

interface UserRow {
  id: string;
  email: string;
  passwordHash: string;
  isInstanceAdmin: number | boolean;
}

async function usersOf(testApp: TestApp): Promise<UserRow[]> {
  return querySql(testApp.app.get(DataSource), 'SELECT * FROM vault_user');
}

describe('First start: ADMIN_EMAIL + ADMIN_PASSWORD', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  it('creates the instance admin as owner of "Default", once, with a scrypt hash', async () => {
    const password = passwordValue();
    const email = emailValue('Admin').replace('Admin', 'ADMIN');
    const first = await createTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
    dirs.push(first.dataDir);
    try {
      const users = await usersOf(first);
      expect(users).toHaveLength(1);
      expect(users[0].email).toBe(email.toLowerCase());
      expect(Boolean(users[0].isInstanceAdmin)).toBe(true);
      expect(users[0].passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
      expect(users[0].passwordHash).not.toContain(password);
      const memberships: { role: string; name: string }[] = await querySql(
        first.app.get(DataSource),
        'SELECT m.role, w.name FROM vault_workspace_member m JOIN vault_workspace w ON w.id = m.workspaceId',
      );
      expect(memberships).toEqual([{ role: 'owner', name: 'Default' }]);
      expect(first.logs.lines.some((l) => l.includes(users[0].id))).toBe(true);
      expectNoSecretInLogs(first, [password]);
    } finally {
      await first.close();
    }

    const second = await createTestApp(
      { ADMIN_EMAIL: emailValue(), ADMIN_PASSWORD: passwordValue() },
      dirs[0],
    );
    try {
      expect(await usersOf(second)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('creates nobody without the variables', async () => {
    const testApp = await createTestApp();
    dirs.push(testApp.dataDir);
    try {
      expect(await usersOf(testApp)).toHaveLength(0);
    } finally {
      await testApp.close();
    }
  });

  it('refuses to start with only one of the two, or a short password, naming no value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
    dirs.push(dir);
    expect(() => loadConfig({ DATA_DIR: dir, ADMIN_EMAIL: 'a@example.com' })).toThrow(
      'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    );
    let message = '';
    try {
      loadConfig({ DATA_DIR: dir, ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'short-pw' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('ADMIN_PASSWORD must be at least 12 characters');
    expect(message).not.toContain('short-pw');
  });
});

describe('npm run cli -- user:create', () => {
  const originalArgv = process.argv;
  const originalStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
  });
  afterEach(() => {
    process.argv = originalArgv;
    Object.defineProperty(process, 'stdin', originalStdin);
    removeDir(dataDir);
  });

  /** Runs the CLI in-process with `input` on stdin; resolves to what it printed. */
  async function runCli(args: string[], input: string): Promise<{ out: string; error?: Error }> {
    const config = loadConfig({ DATA_DIR: dataDir, ...(await storeEnv(dataDir)) });
    // Opened before stdout is captured, which also lets the test reporter flush its lines first.
    const dataSource = await createDataSource(config).initialize();
    process.argv = ['node', 'cli', ...args];
    Object.defineProperty(process, 'stdin', { value: Readable.from([input]), configurable: true });
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    let error: Error | undefined;
    try {
      await CommandFactory.run(CliModule.forRoot(config, dataSource), {
        logger: false,
        errorHandler: (e) => {
          error = e;
        },
        serviceErrorHandler: (e) => {
          error = e;
        },
      });
    } finally {
      process.stdout.write = write;
      if (dataSource.isInitialized) {
        await dataSource.destroy();
      }
    }
    return { out: written.join(''), error };
  }

  it('creates a user from the password on stdin, in a new workspace as owner, printing no secret', async () => {
    const password = passwordValue();
    const email = emailValue();
    const { out, error } = await runCli(
      ['user:create', '--email', email, '--admin', '--workspace', 'Research'],
      `${password}\n`,
    );
    expect(error).toBeUndefined();
    expect(out).toMatch(/^Created user [0-9a-f-]{36} \(.+\) as instance admin\n/);
    expect(out).toMatch(/Member of workspace [0-9a-f-]{36} \(Research\) as owner/);
    expect(out).not.toContain(password);

    const testApp = await createTestApp({}, dataDir);
    try {
      const users = await usersOf(testApp);
      expect(users.map((u) => u.email)).toEqual([email]);
      expect(Boolean(users[0].isInstanceAdmin)).toBe(true);
    } finally {
      await testApp.close();
    }

    const second = await runCli(
      ['user:create', '--email', emailValue(), '--workspace', 'Research', '--role', 'viewer'],
      `${passwordValue()}\n`,
    );
    expect(second.error).toBeUndefined();
    expect(second.out).toMatch(/\(Research\) as viewer/);
  });

  it('refuses a short password and a taken email', async () => {
    const short = await runCli(['user:create', '--email', emailValue()], 'tiny\n');
    expect(short.error?.message).toContain('password must be longer than or equal to 12');
    expect(short.error?.message).not.toContain('tiny');

    const email = emailValue();
    expect(
      (await runCli(['user:create', '--email', email], `${passwordValue()}\n`)).error,
    ).toBeUndefined();
    const taken = await runCli(
      ['user:create', '--email', email.toUpperCase()],
      `${passwordValue()}\n`,
    );
    expect(taken.error?.message).toBe('A user with this email already exists');
  });
});
