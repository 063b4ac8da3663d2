import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage whose hooks are on only while one of its scopes is open.
 *
 * On Node 20 an enabled AsyncLocalStorage makes every promise of the process call its hooks
 * (init, before, after), inside a scope or not: 16 % of a credential read's CPU, measured
 * (`npm run bench`). The vault opens scopes only around work that needs one (a write request, a
 * queued transaction, a CLI command), so the reads, which open none, run without the hooks.
 *
 * A scope lasts as long as its work: until `work` returns, or until the promise it returns
 * settles. Work it leaves running after that (fire and forget) must not rely on the scope.
 * The hooks are switched off on the next turn of the event loop once no scope is open, so
 * scopes opened one after another do not switch them each time.
 */
export class ScopedAsyncContext<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private open = 0;
  private offScheduled = false;

  run<R>(store: T, work: () => R): R {
    this.open += 1;
    let result: R;
    try {
      result = this.storage.run(store, work);
    } catch (error) {
      this.close();
      throw error;
    }
    if (isThenable(result)) {
      result.then(
        () => this.close(),
        () => this.close(),
      );
    } else {
      this.close();
    }
    return result;
  }

  /** The store of the scope the caller runs in, if any. */
  current(): T | undefined {
    return this.open === 0 ? undefined : this.storage.getStore();
  }

  private close(): void {
    this.open -= 1;
    if (this.open > 0 || this.offScheduled) {
      return;
    }
    this.offScheduled = true;
    setImmediate(() => {
      this.offScheduled = false;
      if (this.open === 0) {
        this.storage.disable();
      }
    }).unref();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
