import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData } from 'ws';
import { createFlowGate } from './flow-gate';
import { FrameReader } from './frame-reader';

/**
 * The one relay between a WebSocket and a byte stream (a VNC server's socket, a port-forward):
 * the agent's dial-back tunnel uses it, and so does the backend when the runtime is in its own
 * process and a viewer is piped straight to the stream. Node only: not exported from protocol/.
 */

/** Frames in flight to the WebSocket before the stream is paused, and frames a FrameReader may fill. */
export const RELAY_FRAMES_IN_FLIGHT = 2;
export const RELAY_FRAME_BYTES = 64 * 1024;
/**
 * What one direction forwards in one turn of the event loop before it lets other streams run:
 * libuv takes up to 32 reads of 64 KiB per socket per turn, so without a cap a few busy sessions
 * make every quiet one wait for megabytes of someone else's pixels.
 */
export const RELAY_TURN_BYTES = 256 * 1024;

let processPeakHeld = 0;

/**
 * The most bytes any one stream's relay in this process held at once since the last call, which
 * resets it: what the tunnel benchmark reads from its processes, exactly, where the kernel's
 * socket counters, dumped a socket at a time, can be megabytes apart at full speed.
 */
export function takePeakHeldBytes(): number {
  const peak = processPeakHeld;
  processPeakHeld = 0;
  return peak;
}

/** For a relay of another shape (the backend's WebSocket pair) to count in the same peak. */
export function notePeakHeldBytes(bytes: number): void {
  if (bytes > processPeakHeld) processPeakHeld = bytes;
}

export interface StreamRelayOptions {
  /**
   * The close code the WebSocket gets when the stream fails: the agent sends 1011 to the backend,
   * which tells its viewer 4502; the backend's own direct path sends the viewer 4502 itself.
   */
  failureCode: number;
  /** Frames sent to the WebSocket and not yet written out before the stream is paused. */
  framesInFlight?: number;
  /**
   * The reader whose `onread` the stream's socket was created with. A stream that emits 'data'
   * anyway (its opener did not take the reader) is carried without it.
   */
  reader?: FrameReader;
  closeTimeoutMs?: number;
  /** Told once per turn in which bytes moved, how many did; down is stream → WebSocket. */
  onBytes?(direction: 'down' | 'up', bytes: number): void;
}

export interface StreamRelayStats {
  /** Stream → WebSocket. */
  bytesDown: number;
  /** WebSocket → stream. */
  bytesUp: number;
  /**
   * The most bytes this relay held at once on the way through, both directions together: sent to
   * the WebSocket and not yet in the kernel, read from the stream and not yet sent, and written to
   * the stream and not yet in the kernel. Sampled whenever one of them grows.
   */
  peakHeldBytes: number;
}

export interface StreamRelay {
  readonly stats: StreamRelayStats;
  /** What it holds now (see peakHeldBytes). */
  heldBytes(): number;
  /** Resolves when both sides are closed, with the reason the first one closed for. */
  readonly closed: Promise<string>;
  close(reason?: string): void;
}

/** A reader for a stream the relay will carry; pass its `onread` to the socket's constructor. */
export function createRelayReader(frames = RELAY_FRAMES_IN_FLIGHT + 1): FrameReader {
  return new FrameReader({ frameBytes: RELAY_FRAME_BYTES, frames, defer: setImmediate });
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// One object for every send: ws copies what it needs from it.
const BINARY = { binary: true, compress: false } as const;

/**
 * Pipes a byte stream to binary WebSocket frames and back, with backpressure both ways: a slow
 * WebSocket reader pauses the stream, counted in frames in flight (each at most one read, or one
 * FrameReader frame), and a slow stream pauses the WebSocket. Closing or failing either side
 * closes the other; a failing stream closes the WebSocket with `failureCode` and the reason.
 */
export function relayStream(ws: WebSocket, stream: Duplex, options: StreamRelayOptions): StreamRelay {
  const maxInFlight = Math.max(1, options.framesInFlight ?? RELAY_FRAMES_IN_FLIGHT);
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  // Dropped at the first 'data' event: the stream's opener did not wire it, and reads come as usual.
  let reader = options.reader;
  const stats: StreamRelayStats = { bytesDown: 0, bytesUp: 0, peakHeldBytes: 0 };
  if (stream instanceof Socket) stream.setNoDelay(true);
  ws.binaryType = 'nodebuffer';

  const downGate = createFlowGate({
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    turnBytes: RELAY_TURN_BYTES,
    defer: setImmediate,
    onTurnEnd: options.onBytes ? (n) => options.onBytes?.('down', n) : undefined,
  });
  const upGate = createFlowGate({
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    turnBytes: RELAY_TURN_BYTES,
    defer: setImmediate,
    onTurnEnd: options.onBytes ? (n) => options.onBytes?.('up', n) : undefined,
  });

  // A reader's frames stay out until ws has written them, so they already count what ws holds.
  const heldBytes = () =>
    (reader ? reader.heldBytes : ws.bufferedAmount + stream.readableLength) + stream.writableLength;
  const noteHeld = () => {
    const held = heldBytes();
    if (held > stats.peakHeldBytes) {
      stats.peakHeldBytes = held;
      notePeakHeldBytes(held);
    }
  };

  let reason: string | null = null;
  let wsClosed = ws.readyState === WebSocket.CLOSED;
  let streamClosed = stream.destroyed;
  let forceTimer: NodeJS.Timeout | null = null;
  let resolveClosed: (reason: string) => void = () => {};
  const closed = new Promise<string>((resolve) => {
    resolveClosed = resolve;
  });

  const settle = () => {
    if (!wsClosed || !streamClosed) return;
    if (forceTimer) clearTimeout(forceTimer);
    resolveClosed(reason ?? 'closed');
  };

  const shutdown = (why: string, failed: boolean) => {
    if (reason !== null) return;
    reason = why;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
      ws.close(failed ? options.failureCode : 1000, why.slice(0, 120));
    }
    // end() lets queued bytes reach the VNC server; destroy() when the stream is what broke.
    if (failed) stream.destroy();
    else stream.end();
    forceTimer = setTimeout(() => {
      ws.terminate();
      stream.destroy();
    }, closeTimeoutMs);
    forceTimer.unref();
  };

  // Stream → WebSocket. Frames complete in the order they were sent, so a count is all it takes;
  // with a reader, each completion hands its frame back to the pool.
  let inFlight = 0;
  const afterSend = (error?: Error) => {
    inFlight--;
    reader?.release();
    if (error) {
      shutdown(`websocket send failed: ${error.message}`, true);
      return;
    }
    if (!reader && inFlight < maxInFlight && downGate.backpressured) downGate.setBackpressured(false);
  };
  const sendDown = (frame: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) {
      reader?.release();
      return;
    }
    stats.bytesDown += frame.length;
    inFlight++;
    ws.send(frame, BINARY, afterSend);
    noteHeld();
    if (!reader && inFlight >= maxInFlight && !downGate.backpressured) downGate.setBackpressured(true);
    downGate.count(frame.length);
  };
  // A stream opened without the reader (a port-forward, say) still emits its reads as usual; the
  // chunk is a fresh buffer nobody else holds, so ws may frame it as is.
  stream.on('data', (chunk: Buffer) => {
    reader = undefined;
    sendDown(chunk);
  });
  reader?.attach({
    frame: sendDown,
    backpressure: (on) => downGate.setBackpressured(on),
  });

  // WebSocket → stream.
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      shutdown('text frame on a binary tunnel', true);
      return;
    }
    const buffer = toBuffer(data);
    stats.bytesUp += buffer.length;
    if (!stream.write(buffer)) upGate.setBackpressured(true);
    noteHeld();
    upGate.count(buffer.length);
  });
  stream.on('drain', () => upGate.setBackpressured(false));

  stream.on('end', () => shutdown('stream ended', false));
  stream.on('error', (error) => shutdown(`stream error: ${error.message}`, true));
  stream.on('close', () => {
    streamClosed = true;
    shutdown('stream closed', false);
    settle();
  });
  ws.on('error', (error) => shutdown(`websocket error: ${error.message}`, true));
  ws.on('close', (code) => {
    wsClosed = true;
    shutdown(`websocket closed (${code})`, false);
    settle();
  });

  if (ws.readyState !== WebSocket.OPEN) shutdown('websocket not open', true);
  else if (stream.destroyed) shutdown('stream already closed', true);

  return {
    stats,
    heldBytes,
    closed,
    close: (why = 'closed') => shutdown(why, false),
  };
}
