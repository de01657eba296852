import WebSocket from 'ws';
import { createFlowGate } from '../../protocol';
import { notePeakHeldBytes, RELAY_FRAME_BYTES, RELAY_TURN_BYTES } from '../../protocol/lib/stream-relay';

export interface PipeOptions {
  /**
   * The most bytes one direction may hold for a slow reader. A quarter of it may be in flight to
   * the reader, counted in frames of up to RELAY_FRAME_BYTES (the agent's frames are one read or
   * one FrameReader frame), and at least one: the rest is room for the frame being received, the
   * chunk its socket had already read when the pause took effect, and a frame's header bytes.
   */
  highWaterMark: number;
  onBytes?: (direction: 'down' | 'up', bytes: number) => void;
}

/** What one direction forwards in one turn of the event loop before it lets the others run. */
export const TURN_BYTES = RELAY_TURN_BYTES;

type Data = Buffer | ArrayBuffer | Buffer[];

const BINARY = { binary: true, compress: false } as const;
const TEXT = { binary: false, compress: false } as const;

/** Bytes a pipe holds: handed to one side's send and not yet written out, both directions. */
interface Held {
  bytes: number;
}

function forward(
  from: WebSocket,
  to: WebSocket,
  direction: 'down' | 'up',
  opts: PipeOptions,
  held: Held,
): void {
  const maxInFlight = Math.max(1, Math.floor(opts.highWaterMark / 4 / RELAY_FRAME_BYTES));
  let inFlight = 0;
  const sizes: number[] = [];
  const gate = createFlowGate({
    pause: () => from.pause(),
    resume: () => from.resume(),
    turnBytes: TURN_BYTES,
    defer: setImmediate,
    // The byte counter is updated once a turn rather than once a frame.
    onTurnEnd: (bytes) => opts.onBytes?.(direction, bytes),
  });
  // Sends complete in order, so a count of those outstanding is the whole book-keeping.
  const afterSend = () => {
    inFlight--;
    held.bytes -= sizes.shift() ?? 0;
    if (gate.backpressured && inFlight < maxInFlight) gate.setBackpressured(false);
  };

  from.on('message', (data: Data, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    inFlight++;
    sizes.push(size);
    held.bytes += size;
    notePeakHeldBytes(held.bytes);
    to.send(data, isBinary ? BINARY : TEXT, afterSend);
    if (!gate.backpressured && inFlight >= maxInFlight) gate.setBackpressured(true);
    gate.count(size);
  });
}

/**
 * Relays two WebSockets into each other, frame for frame: the backend's half of a remote agent's
 * stream. A slow reader on one side pauses reading on the other, so a slow viewer slows its own
 * stream instead of filling the backend's memory, and no stream moves more than TURN_BYTES per
 * event-loop turn, so busy streams cannot starve quiet ones. The same flow control as the
 * agent's relay (protocol/lib/stream-relay), which the local stack's direct path uses too.
 */
export function pipeWebSockets(viewer: WebSocket, agent: WebSocket, opts: PipeOptions): void {
  // Counted for the benchmark's exact peak; not counted: a frame ws is still receiving, and the
  // read a paused socket had taken, each at most one read (64 KiB) by construction.
  const held: Held = { bytes: 0 };
  forward(agent, viewer, 'down', opts, held);
  forward(viewer, agent, 'up', opts, held);
  const closeBoth = (code?: number, reason?: Buffer) => {
    // 1011 is the agent's "the session's stream failed"; the viewer gets it as 4502, a code an
    // application may send, with the agent's reason (a port-forward error, say) kept.
    const safe = code && code >= 3000 && code < 5000 ? code : code === 1011 ? 4502 : 1000;
    for (const s of [viewer, agent]) {
      if (s.readyState === WebSocket.OPEN) s.close(safe, reason?.toString().slice(0, 120));
      else if (s.readyState === WebSocket.CONNECTING) s.terminate();
    }
  };
  viewer.on('close', (code, reason) => closeBoth(code, reason));
  agent.on('close', (code, reason) => closeBoth(code, reason));
  viewer.on('error', () => viewer.terminate());
  agent.on('error', () => agent.terminate());
}
