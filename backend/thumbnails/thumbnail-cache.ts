interface Entry<T> {
  /** Settled value and when it was taken; absent while the capture runs. */
  value?: { item: T; at: number };
  running?: Promise<T>;
}

/**
 * Thumbnails by session, taken on demand: an answer at most `maxAgeMs` old is served again, and
 * requests that arrive while one is being taken share it. There is no timer: a session nobody
 * asks about costs nothing, and stale entries go when the next request looks.
 */
export class ThumbnailCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Entries held now (fresh, stale or running); for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string, take: () => Promise<T>): Promise<T> {
    this.prune();
    const entry = this.entries.get(key) ?? {};
    if (entry.value && this.now() - entry.value.at < this.maxAgeMs) return Promise.resolve(entry.value.item);
    if (entry.running) return entry.running;
    // The age counts from the start of the capture, so no answer is older than maxAgeMs when served.
    const startedAt = this.now();
    const running = take().then(
      (item) => {
        if (this.entries.get(key) === entry) {
          entry.running = undefined;
          entry.value = { item, at: startedAt };
        }
        return item;
      },
      (error: unknown) => {
        // A failure is not kept: the next look tries again.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        throw error;
      },
    );
    entry.running = running;
    this.entries.set(key, entry);
    return running;
  }

  /** Drops a session's entry (it stopped running, or was terminated). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (!entry.running && entry.value && now - entry.value.at >= this.maxAgeMs) this.entries.delete(key);
    }
  }
}
