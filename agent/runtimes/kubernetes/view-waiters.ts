import type { SessionView } from './pod-status';

interface Waiter {
  until: (view: SessionView) => boolean;
  resolve: (view: SessionView) => void;
  reject: (error: Error) => void;
}

/** Operations waiting for a session to reach a view ("running", "no pods left"), fed by the watch. */
export class ViewWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private closedWith: Error | null = null;

  /**
   * Resolves with the first view `until` accepts, the current one included; rejects at the deadline
   * (epoch ms) with `timeoutMessage(last view)`, or when `signal` aborts.
   */
  wait(
    name: string,
    current: SessionView,
    until: (view: SessionView) => boolean,
    options: { deadline: number; signal?: AbortSignal; timeoutMessage: (last: SessionView) => string },
  ): Promise<SessionView> {
    if (until(current)) return Promise.resolve(current);
    // A start whose create call was in flight when the runtime closed would otherwise wait for a
    // watch that no longer runs, until its deadline.
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      let last = current;
      const set = this.waiting.get(name) ?? new Set<Waiter>();
      this.waiting.set(name, set);
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        set.delete(waiter);
        if (set.size === 0 && this.waiting.get(name) === set) this.waiting.delete(name);
      };
      const waiter: Waiter = {
        until: (view) => {
          last = view;
          return until(view);
        },
        resolve: (view) => {
          done();
          resolve(view);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(new Error('cancelled'));
      const timer = setTimeout(
        () => waiter.reject(new Error(options.timeoutMessage(last))),
        Math.max(0, options.deadline - Date.now()),
      );
      set.add(waiter);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Offers a new view of the session to everyone waiting on it. */
  offer(name: string, view: SessionView): void {
    for (const waiter of [...(this.waiting.get(name) ?? [])]) {
      if (waiter.until(view)) waiter.resolve(view);
    }
  }

  /** Rejects everyone waiting now and every later wait: no view arrives once the watch stops. */
  close(error: Error): void {
    this.closedWith = error;
    for (const set of [...this.waiting.values()]) for (const waiter of [...set]) waiter.reject(error);
  }
}
