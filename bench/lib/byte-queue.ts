/** Collects chunks from a stream or WebSocket and hands out exact byte counts, for binary protocols. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiting: { n: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private error: Error | null = null;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const w = this.waiting;
    if (w && this.length >= w.n) {
      this.waiting = null;
      w.resolve();
    }
  }

  fail(err: Error): void {
    this.error = err;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }

  async read(n: number): Promise<Buffer> {
    await this.need(n);
    return this.take(n, true);
  }

  /** Drops n bytes without copying them; for pixel data nobody looks at. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.need(1);
      const k = Math.min(left, this.length);
      this.take(k, false);
      left -= k;
    }
  }

  private need(n: number): Promise<void> {
    if (this.length >= n) return Promise.resolve();
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
    });
  }

  private take(n: number, copy: boolean): Buffer {
    const out = copy ? Buffer.allocUnsafe(n) : Buffer.alloc(0);
    let off = 0;
    while (off < n) {
      const head = this.chunks[0] as Buffer;
      const k = Math.min(head.length, n - off);
      if (copy) head.copy(out, off, 0, k);
      off += k;
      if (k === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(k);
    }
    this.length -= n;
    return out;
  }
}
