import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { FrameReader } from '../protocol/lib/frame-reader';
import {
  RELAY_FRAME_BYTES,
  RELAY_FRAMES_IN_FLIGHT,
  RELAY_TURN_BYTES,
  relayStream,
} from '../protocol/lib/stream-relay';

export interface TunnelOptions {
  /**
   * Stop reading the stream while this much is sent to the WebSocket and not yet written out;
   * counted in whole frames of at most RELAY_FRAME_BYTES, at least one.
   */
  highWaterMark?: number;
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

// Two frames of one read each, plus the read Node has taken when the pause lands: under 256 KiB.
export const TUNNEL_HIGH_WATER_MARK = RELAY_FRAMES_IN_FLIGHT * RELAY_FRAME_BYTES;
export const TUNNEL_TURN_BYTES = RELAY_TURN_BYTES;

/**
 * Pipes binary WebSocket frames to a byte stream (a VNC server's socket) and back through the
 * shared relay. A stream that fails closes the tunnel with 1011 and the reason, which the backend
 * passes on to the viewer as 4502.
 */
export function pipeTunnel(
  ws: WebSocket,
  stream: Duplex,
  options: TunnelOptions = {},
  reader?: FrameReader,
): Tunnel {
  const relay = relayStream(ws, stream, {
    failureCode: 1011,
    framesInFlight: Math.floor((options.highWaterMark ?? TUNNEL_HIGH_WATER_MARK) / RELAY_FRAME_BYTES),
    closeTimeoutMs: options.closeTimeoutMs,
    reader,
  });
  return {
    get stats() {
      return { bytesOut: relay.stats.bytesDown, bytesIn: relay.stats.bytesUp };
    },
    closed: relay.closed,
    close: (why = 'closed by agent') => relay.close(why),
  };
}
