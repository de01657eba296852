import type { Duplex } from 'node:stream';

/**
 * Exact-length reads from a byte stream, for a binary protocol spoken once and briefly (one
 * snapshot). Every read shares one deadline, so a server that stalls anywhere fails the whole
 * exchange in time, and a stream that ends fails the read that waits.
 */
export class StreamReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.wake?.();
    });
    const end = (error?: Error) => {
      this.failure ??= error ?? new Error('the VNC server closed the connection');
      this.wake?.();
    };
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (error: Error) => end(error));
  }

  /** Fails every read from now on, waiting or not (the deadline, or the caller giving up). */
  abort(error: Error): void {
    this.failure = error;
    this.wake?.();
  }

  async read(length: number): Promise<Buffer> {
    while (this.length < length) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (this.failure) throw this.failure;
    const whole = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = whole.subarray(0, length);
    const rest = whole.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      const n = Math.min(left, Math.max(1, Math.min(this.length, 1 << 20)));
      await this.read(n);
      left -= n;
    }
  }
}
