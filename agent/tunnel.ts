import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData } from 'ws';
import { createFlowGate } from '../protocol';

export interface TunnelOptions {
  /** Stop reading the stream while the WebSocket has more than this queued. */
  highWaterMark?: number;
  /** Read again once the queue is down to this. */
  lowWaterMark?: number;
  /** How long a half-closed side may linger before it is destroyed. */
  closeTimeoutMs?: number;
}

export interface TunnelStats {
  /** Stream → WebSocket. */
  bytesOut: number;
  /** WebSocket → stream. */
  bytesIn: number;
}

export interface Tunnel {
  readonly stats: TunnelStats;
  /** Resolves when both sides are closed, with the reason the first one closed for. */
  readonly closed: Promise<string>;
  close(reason?: string): void;
}

// With one 64 KiB read in flight on top, a stalled viewer costs the agent under 256 KiB.
export const TUNNEL_HIGH_WATER_MARK = 128 * 1024;
export const TUNNEL_LOW_WATER_MARK = 32 * 1024;
/**
 * What one direction forwards in one turn of the event loop before it lets other tunnels run:
 * libuv takes up to 32 reads of 64 KiB per socket per turn, so without a cap a few busy sessions
 * make every quiet one wait for megabytes of someone else's pixels.
 */
export const TUNNEL_TURN_BYTES = 256 * 1024;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Pipes binary WebSocket frames to a byte stream (a VNC server's TCP socket) and back, with
 * backpressure both ways: a slow viewer pauses reading from the VNC server, a slow VNC server
 * pauses reading from the WebSocket. Closing or failing either side closes the other.
 */
export function pipeTunnel(ws: WebSocket, stream: Duplex, options: TunnelOptions = {}): Tunnel {
  const highWaterMark = options.highWaterMark ?? TUNNEL_HIGH_WATER_MARK;
  const lowWaterMark = Math.min(options.lowWaterMark ?? TUNNEL_LOW_WATER_MARK, highWaterMark);
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  const stats: TunnelStats = { bytesOut: 0, bytesIn: 0 };
  if (stream instanceof Socket) stream.setNoDelay(true);
  ws.binaryType = 'nodebuffer';

  const streamGate = createFlowGate({
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    turnBytes: TUNNEL_TURN_BYTES,
    defer: setImmediate,
  });
  const wsGate = createFlowGate({
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    turnBytes: TUNNEL_TURN_BYTES,
    defer: setImmediate,
  });
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
      if (failed) ws.close(1011, why.slice(0, 120));
      else ws.close(1000, why.slice(0, 120));
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

  const afterSend = (error?: Error) => {
    if (error) {
      shutdown(`websocket send failed: ${error.message}`, true);
      return;
    }
    if (streamGate.backpressured && ws.bufferedAmount <= lowWaterMark) streamGate.setBackpressured(false);
  };

  stream.on('data', (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    stats.bytesOut += chunk.length;
    // The chunk is a fresh buffer nobody else holds, so ws may frame it as is.
    ws.send(chunk, { binary: true, compress: false }, afterSend);
    if (ws.bufferedAmount > highWaterMark) streamGate.setBackpressured(true);
    streamGate.count(chunk.length);
  });

  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      shutdown('text frame on a binary tunnel', true);
      return;
    }
    const buffer = toBuffer(data);
    stats.bytesIn += buffer.length;
    if (!stream.write(buffer)) wsGate.setBackpressured(true);
    wsGate.count(buffer.length);
  });

  stream.on('drain', () => wsGate.setBackpressured(false));

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
    closed,
    close: (why = 'closed by agent') => shutdown(why, false),
  };
}
