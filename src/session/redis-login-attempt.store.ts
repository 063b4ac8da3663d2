import { OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { optionalPeer } from '../core/optional-peer';
import { AttemptBudget, LoginAttemptStore } from './login-attempt.store';

/** One hash tag, so every budget of an attempt lives in one Redis Cluster slot. */
const PREFIX = '{vault-login}:';

/**
 * Checks every budget, then counts all of them, in one script: Redis runs it atomically, so
 * parallel guesses on several replicas cannot all pass the check. Returns the longest wait
 * among spent budgets (ms), else 0. KEYS: the budgets; ARGV: the window, then each maximum.
 */
const TAKE = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    wait = math.max(wait, redis.call('PTTL', key), 1)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0`;

const GIVE_BACK = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/** Login attempts in Redis (when `REDIS_URL` is set): fixed windows that expire by themselves. */
export class RedisLoginAttemptStore implements LoginAttemptStore, OnModuleDestroy {
  private readonly redis: Redis;

  constructor(url: string) {
    const { Redis: RedisClient } = optionalPeer<typeof import('ioredis')>('ioredis', 'redisUrl');
    this.redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.redis.on('error', () => undefined);
  }

  async take(budgets: readonly AttemptBudget[], windowMs: number): Promise<number> {
    const wait = await this.redis.eval(
      TAKE,
      budgets.length,
      ...budgets.map(({ key }) => PREFIX + key),
      windowMs,
      ...budgets.map(({ max }) => max),
    );
    return Number(wait);
  }

  async giveBack(key: string): Promise<void> {
    await this.redis.eval(GIVE_BACK, 1, PREFIX + key);
  }

  async forget(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
