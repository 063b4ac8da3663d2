import { Injectable } from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { LessThan, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { AttemptBudget, LoginAttemptStore } from './login-attempt.store';
import { LoginAttemptEntity } from './login-attempt.entity';

/** Expired windows are deleted at most this often. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Login attempts in the `vault_login_attempt` table, shared by every replica (and process) on
 * the database. No transaction: each step is one statement that is atomic on SQLite and
 * PostgreSQL alike, and the count itself is a conditional `count = count + 1 WHERE count < max`,
 * so parallel guesses on several replicas cannot all pass the check.
 */
@Injectable()
export class DatabaseLoginAttemptStore implements LoginAttemptStore {
  private sweptAt = 0;

  constructor(
    @InjectVaultRepository(LoginAttemptEntity)
    private readonly attempts: Repository<LoginAttemptEntity>,
  ) {}

  async take(budgets: readonly AttemptBudget[], windowMs: number, now: number): Promise<number> {
    await this.sweep(now);
    const taken: string[] = [];
    for (const { key, max } of [...budgets].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    )) {
      await this.openWindow(key, windowMs, now);
      const counted = await this.attempts.update(
        { key, count: LessThan(max) },
        { count: () => 'count + 1' },
      );
      if (counted.affected !== 1) {
        // All or none: the budgets already counted for this attempt get it back.
        await Promise.all(taken.map((spent) => this.giveBack(spent)));
        const row = await this.attempts.findOneBy({ key });
        return Math.max(1, (row?.resetAt ?? now) - now);
      }
      taken.push(key);
    }
    return 0;
  }

  async giveBack(key: string): Promise<void> {
    await this.attempts.update({ key, count: MoreThan(0) }, { count: () => 'count - 1' });
  }

  async forget(key: string): Promise<void> {
    await this.attempts.delete({ key });
  }

  /** Makes sure the key has a current window: a new row, or its expired one started over. */
  private async openWindow(key: string, windowMs: number, now: number): Promise<void> {
    await this.attempts
      .createQueryBuilder()
      .insert()
      .into(LoginAttemptEntity)
      .values({ key, count: 0, resetAt: now + windowMs })
      .orIgnore()
      .execute();
    await this.attempts.update(
      { key, resetAt: LessThanOrEqual(now) },
      { count: 0, resetAt: now + windowMs },
    );
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.sweptAt < SWEEP_EVERY_MS) {
      return;
    }
    this.sweptAt = now;
    await this.attempts.delete({ resetAt: LessThan(now) });
  }
}
