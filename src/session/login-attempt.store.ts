/** One budget an attempt is counted against: a key (an email, an address) and its maximum. */
export interface AttemptBudget {
  readonly key: string;
  readonly max: number;
}

/**
 * Where login attempts are counted. `take` must be atomic (check and count as one step), so
 * parallel guesses cannot all pass the check before any is counted: in one process a Map does
 * it; across replicas a shared store would (e.g. one `INSERT ... ON CONFLICT ... RETURNING` or
 * Redis `INCR`), behind this same interface.
 */
export interface LoginAttemptStore {
  /**
   * Counts one attempt against every budget, all or none: the milliseconds until the earliest
   * retry when a budget is spent (nothing counted then), else 0.
   */
  take(budgets: readonly AttemptBudget[], windowMs: number, now: number): Promise<number>;
  /** Gives back one attempt of a key (a successful login must not spend its address's budget). */
  giveBack(key: string): Promise<void>;
  /** Forgets a key's count (a successful login clears its email's). */
  forget(key: string): Promise<void>;
}

interface Window {
  count: number;
  resetAt: number;
}

/** Beyond this many tracked keys, expired windows are swept (bounds memory under a flood). */
const SWEEP_THRESHOLD = 10_000;

/** Fixed windows in a Map of this process; synchronous inside, hence atomic. */
export class InMemoryLoginAttemptStore implements LoginAttemptStore {
  private readonly windows = new Map<string, Window>();

  take(budgets: readonly AttemptBudget[], windowMs: number, now: number): Promise<number> {
    this.sweep(now);
    const live = budgets.map(({ key, max }) => {
      const window = this.windows.get(key);
      return { key, max, window: window && window.resetAt > now ? window : undefined };
    });
    const waits = live
      .filter(({ max, window }) => window !== undefined && window.count >= max)
      .map(({ window }) => window!.resetAt - now);
    if (waits.length > 0) {
      return Promise.resolve(Math.max(...waits));
    }
    for (const { key, window } of live) {
      if (window) {
        window.count++;
      } else {
        this.windows.set(key, { count: 1, resetAt: now + windowMs });
      }
    }
    return Promise.resolve(0);
  }

  giveBack(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.count > 0) {
      window.count--;
    }
    return Promise.resolve();
  }

  forget(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    if (this.windows.size <= SWEEP_THRESHOLD) {
      return;
    }
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) {
        this.windows.delete(key);
      }
    }
  }
}
