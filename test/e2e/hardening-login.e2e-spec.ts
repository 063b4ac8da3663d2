import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { PasswordService } from '../../src/users/password.service';
import { createUser, emailValue, messageOf } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';

const MAX_PER_EMAIL = 5;

describe('Hardening: login under parallel guesses and floods', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES_PER_EMAIL: String(MAX_PER_EMAIL),
      LOGIN_MAX_FAILURES_PER_ADDRESS: '10000',
    });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const attempt = (email: string, password: string) =>
    request(t.http()).post('/api/v1/auth/login').send({ email, password });

  it('counts each attempt before its password check: 30 parallel guesses get 5 checks', async () => {
    const user = await createUser(t);
    const wrong = Array.from({ length: 29 }, (_, i) => attempt(user.email, `wrong-${i}-password`));
    // The right password arrives while the wrong ones are still being checked.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const right = attempt(user.email, user.password);
    const responses = await Promise.all([...wrong, right]);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_PER_EMAIL);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - MAX_PER_EMAIL);
    expect((await right).status).toBe(429);
    expect(responses.find((r) => r.status === 429)?.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('hashes a few at a time under a login flood: 503 + Retry-After when full, RSS bounded', async () => {
    const passwords = t.app.get(PasswordService);
    const baseline = process.memoryUsage().rss;
    let peakRss = baseline;
    let peakRunning = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakRunning = Math.max(peakRunning, passwords.queue.running());
    }, 5);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => attempt(emailValue(`flood${i}`), 'a-wrong-password')),
    );
    clearInterval(sampler);
    const statuses = responses.map((response) => response.status);
    const busy = responses.filter((response) => response.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0].headers['retry-after']).toBe('1');
    expect(messageOf(busy[0])).toMatch(/Too many sign-ins at once/);
    expect(statuses.every((status) => status === 401 || status === 503)).toBe(true);
    expect(peakRunning).toBeLessThanOrEqual(2);
    // Two derivations of 32 MiB at a time; without the queue: 4 threads x 128 MiB.
    const growthMb = (peakRss - baseline) / 2 ** 20;
    console.log(`login flood: peak RSS +${growthMb.toFixed(0)} MB, ${busy.length}/60 got 503`);
    expect(growthMb).toBeLessThan(160);
  });
});
