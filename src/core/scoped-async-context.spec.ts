import { expect } from 'expect';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ScopedAsyncContext } from './scoped-async-context';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ScopedAsyncContext', () => {
  it('gives work its store across awaits, and nothing outside a scope', async () => {
    const scope = new ScopedAsyncContext<string>();
    expect(scope.current()).toBeUndefined();
    const seen = await scope.run('a', async () => {
      const first = scope.current();
      await turn();
      await Promise.resolve();
      return [first, scope.current()];
    });
    expect(seen).toEqual(['a', 'a']);
    expect(scope.current()).toBeUndefined();
  });

  it('keeps overlapping and nested scopes apart', async () => {
    const scope = new ScopedAsyncContext<string>();
    const mismatches: string[] = [];
    const job = (name: string) =>
      scope.run(name, async () => {
        for (let step = 0; step < 5; step++) {
          await (step % 2 === 0 ? turn() : Promise.resolve());
          if (scope.current() !== name) {
            mismatches.push(`${name} saw ${scope.current()}`);
          }
          if (step === 2) {
            await scope.run(`${name}/inner`, async () => {
              await turn();
              if (scope.current() !== `${name}/inner`) {
                mismatches.push(`${name}/inner saw ${scope.current()}`);
              }
            });
          }
        }
      });
    const unscoped = async () => {
      for (let step = 0; step < 5; step++) {
        await turn();
        if (scope.current() !== undefined) {
          mismatches.push(`unscoped work saw ${scope.current()}`);
        }
      }
    };
    await Promise.all([job('a'), unscoped(), job('b'), job('c'), unscoped()]);
    expect(mismatches).toEqual([]);
  });

  it('closes a scope whose work throws or rejects', async () => {
    const scope = new ScopedAsyncContext<string>();
    expect(() =>
      scope.run('thrown', () => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    await expect(
      scope.run('rejected', async () => {
        await turn();
        throw new Error('async');
      }),
    ).rejects.toThrow('async');
    expect(scope.current()).toBeUndefined();
    expect(scope.run('again', () => scope.current())).toBe('again');
  });

  it("switches the process's async hooks on only while a scope is open", () => {
    // In a process of its own: the test runner keeps hooks of its own on.
    const probe = `
      const { executionAsyncId } = require('node:async_hooks');
      const { ScopedAsyncContext } = require(${JSON.stringify(require.resolve('./scoped-async-context'))});
      // With promise hooks on, every await resumes under an id of its own.
      const hooksOn = async () => { await null; const id = executionAsyncId(); await null; return executionAsyncId() !== id; };
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      (async () => {
        const seen = { before: await hooksOn() };
        const scope = new ScopedAsyncContext();
        await scope.run(1, async () => { seen.inside = await hooksOn(); });
        await turn();
        seen.after = await hooksOn();
        process.stdout.write(JSON.stringify(seen));
      })();`;
    const output = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    const seen = JSON.parse(output) as Record<string, boolean>;
    expect(seen).toEqual({ before: false, inside: true, after: false });
  });
});
