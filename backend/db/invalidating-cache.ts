/**
 * Values read from the database, kept until a write invalidates them. Sound only while every write
 * to what the values were read from calls `invalidate` once it has completed, which holds for a
 * store that is the only writer of its rows in a single process.
 *
 * A load that overlaps an invalidation still answers the callers that asked before the write
 * finished, but is not kept: it may have read the rows as they were before.
 */
export class InvalidatingCache<V> {
  private readonly values = new Map<string, V>();
  /** The load whose result may be kept; an invalidation removes it, so a stale load is never kept. */
  private readonly loading = new Map<string, Promise<V>>();

  get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.values.has(key)) return Promise.resolve(this.values.get(key) as V);
    // Fifty clients polling the same list after a write should cost one query, not fifty.
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load().then(
      (value) => {
        if (this.loading.get(key) === loaded) {
          this.loading.delete(key);
          this.values.set(key, value);
        }
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.values.clear();
    this.loading.clear();
  }

  invalidate(keys: Iterable<string>): void {
    for (const key of keys) {
      this.values.delete(key);
      // A caller arriving after the write must not share a load that started before it.
      this.loading.delete(key);
    }
  }
}
