import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData } from 'ws';

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

export const TUNNEL_HIGH_WATER_MARK = 256 * 1024;
export const TUNNEL_LOW_WATER_MARK = 64 * 1024;

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

  let streamPaused = false;
  let wsPaused = false;
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
    if (streamPaused && ws.bufferedAmount <= lowWaterMark) {
      streamPaused = false;
      stream.resume();
    }
  };

  stream.on('data', (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    stats.bytesOut += chunk.length;
    // The chunk is a fresh buffer nobody else holds, so ws may frame it as is.
    ws.send(chunk, { binary: true, compress: false }, afterSend);
    if (!streamPaused && ws.bufferedAmount > highWaterMark) {
      streamPaused = true;
      stream.pause();
    }
  });

  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      shutdown('text frame on a binary tunnel', true);
      return;
    }
    const buffer = toBuffer(data);
    stats.bytesIn += buffer.length;
    if (!stream.write(buffer) && !wsPaused) {
      wsPaused = true;
      ws.pause();
    }
  });

  stream.on('drain', () => {
    if (wsPaused) {
      wsPaused = false;
      ws.resume();
    }
  });

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
