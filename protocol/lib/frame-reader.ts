import type { OnReadOpts } from 'node:net';

/** What a socket reads into, for every reader in the process: each read is copied out at once. */
const READ_BYTES = 64 * 1024;
let sharedReadBuffer: Buffer | null = null;

export interface FrameReaderOptions {
  /** The largest frame the reader hands out; at least one read. */
  frameBytes: number;
  /** Frames that may be out at once (handed out and not yet released): the memory bound. */
  frames: number;
  /** Runs a callback once the current turn is over (setImmediate in Node). */
  defer(callback: () => void): void;
}

export interface FrameSink {
  /** A frame of read bytes, lent until release() is called for it (in the order they came). */
  frame(bytes: Buffer): void;
  /** Reading has to stop (no frame left) or may go on. */
  backpressure(on: boolean): void;
}

/**
 * Reads a socket into reused memory. The socket reads into one buffer shared by every reader
 * (net's `onread`), and each read is copied at once into the frame being filled, from a pool that
 * grows to `frames` frames and no further. Node's default hands every read a fresh 64 KiB buffer;
 * at hundreds of MB/s that external memory is what sets off V8's full collections, and in the
 * backend's heap those were most of the relay's CPU (see the README's Performance section).
 *
 * The bound is counted in frames: no more than `frames × frameBytes` is ever out, whatever the
 * reads look like, and reading stops while no whole frame is free, so a read always fits.
 */
export class FrameReader {
  readonly onread: OnReadOpts;
  private readonly free: Buffer[] = [];
  /** Frames out with the sink, whole, and how many bytes of each it got. */
  private readonly out: Buffer[] = [];
  private readonly outBytes: number[] = [];
  private allocated = 0;
  private current: Buffer | null = null;
  private filled = 0;
  private flushQueued = false;
  /** Frames flushed before a sink was attached: the server's first bytes, say. */
  private readonly waiting: Buffer[] = [];
  private waitingBytes: number[] = [];
  private sink: FrameSink | null = null;
  private starved = false;

  constructor(private readonly options: FrameReaderOptions) {
    if (options.frameBytes < READ_BYTES) throw new Error(`frames must hold a read (${READ_BYTES} bytes)`);
    if (options.frames < 2) throw new Error('a reader needs two frames: one filling, one out');
    sharedReadBuffer ??= Buffer.allocUnsafe(READ_BYTES);
    this.onread = { buffer: sharedReadBuffer, callback: (n, buf) => this.read(n, buf) };
  }

  /** Bytes read and not yet released: filling, waiting for the sink, or out with it. */
  get heldBytes(): number {
    let n = this.filled;
    for (const b of this.waitingBytes) n += b;
    for (const b of this.outBytes) n += b;
    return n;
  }

  attach(sink: FrameSink): void {
    this.sink = sink;
    const bytes = this.waitingBytes;
    this.waitingBytes = [];
    this.waiting.splice(0).forEach((frame, i) => {
      this.handOut(frame, bytes[i] as number);
    });
    if (this.starved) sink.backpressure(true);
  }

  /** Gives back the oldest frame out; frames are released in the order they were handed out. */
  release(): void {
    const frame = this.out.shift();
    this.outBytes.shift();
    if (!frame) return;
    this.free.push(frame);
    if (this.starved) {
      this.starved = false;
      this.sink?.backpressure(false);
    }
  }

  private take(): Buffer | null {
    const frame = this.free.pop();
    if (frame) return frame;
    if (this.allocated >= this.options.frames) return null;
    this.allocated++;
    return Buffer.allocUnsafeSlow(this.options.frameBytes);
  }

  private read(n: number, buf: Uint8Array): boolean {
    let at = 0;
    while (at < n) {
      if (!this.current) {
        this.current = this.take();
        // Cannot happen while reading stops whenever no whole frame is free; kept as a guard.
        if (!this.current) throw new Error('frame reader overran its pool');
        this.filled = 0;
      }
      const k = Math.min(n - at, this.current.length - this.filled);
      this.current.set(buf.subarray(at, at + k), this.filled);
      this.filled += k;
      at += k;
      if (this.filled === this.current.length) this.flush();
    }
    if (this.filled > 0 && !this.flushQueued) {
      this.flushQueued = true;
      this.options.defer(this.flushLater);
    }
    return this.checkStarved();
  }

  private readonly flushLater = () => {
    this.flushQueued = false;
    this.flush();
    this.checkStarved();
  };

  /** Hands out what the current frame holds: once it is full, or at the end of the turn. */
  private flush(): void {
    const frame = this.current;
    if (!frame || this.filled === 0) return;
    const bytes = this.filled;
    this.current = null;
    this.filled = 0;
    if (this.sink) this.handOut(frame, bytes);
    else {
      this.waiting.push(frame);
      this.waitingBytes.push(bytes);
    }
  }

  private handOut(frame: Buffer, bytes: number): void {
    this.out.push(frame);
    this.outBytes.push(bytes);
    // A full frame goes as it is; only a partial one needs a view.
    this.sink?.frame(bytes === frame.length ? frame : frame.subarray(0, bytes));
  }

  /** False (stop reading) once no whole frame is free for the next read. */
  private checkStarved(): boolean {
    const room = this.free.length > 0 || this.allocated < this.options.frames;
    if (!room && !this.starved) {
      this.starved = true;
      this.sink?.backpressure(true);
    }
    return room;
  }
}
