// Timers owned by the fake's background loops, so stop() leaves nothing running in the test process.

export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.pending.add(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
