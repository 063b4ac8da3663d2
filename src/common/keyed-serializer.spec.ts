import { expect } from 'expect';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedSerializer } from './keyed-serializer';

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in order, even when one fails', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await sleep(5);
        events.push(`end ${name}`);
        if (fail) {
          throw new Error(name);
        }
        return name;
      };
    const results = await Promise.allSettled([
      serializer.run('k', task('a')),
      serializer.run('k', task('b', true)),
      serializer.run('k', task('c')),
    ]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await sleep(5);
      events.push(`end ${name}`);
    };
    await Promise.all([serializer.run('x', task('x')), serializer.run('y', task('y'))]);
    expect(events.slice(0, 2)).toEqual(['start x', 'start y']);
  });
});
