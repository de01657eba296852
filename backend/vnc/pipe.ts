import WebSocket from 'ws';
import { createFlowGate } from '../../protocol';

export interface PipeOptions {
  /**
   * The most bytes one direction may hold for a slow reader. The source pauses once the
   * destination has a quarter of this queued and resumes at an eighth: the rest is room for the
   * frame being sent, the chunk its socket had already read when the pause took effect, and a
   * frame still being received.
   */
  highWaterMark: number;
  onBytes?: (direction: 'down' | 'up', bytes: number) => void;
}

/**
 * What one direction forwards in one turn of the event loop before it lets the others run. Reads
 * come 64 KiB at a time and libuv would take up to 32 of them per socket per turn, so without a cap
 * a few busy streams make every quiet one wait for megabytes of someone else's pixels.
 */
export const TURN_BYTES = 256 * 1024;

type Data = Buffer | ArrayBuffer | Buffer[];

function forward(from: WebSocket, to: WebSocket, direction: 'down' | 'up', opts: PipeOptions): void {
  const pauseAbove = opts.highWaterMark / 4;
  const resumeAt = opts.highWaterMark / 8;
  const gate = createFlowGate({
    pause: () => from.pause(),
    resume: () => from.resume(),
    turnBytes: TURN_BYTES,
    defer: setImmediate,
    // The byte counter is updated once a turn rather than once a frame.
    onTurnEnd: (bytes) => opts.onBytes?.(direction, bytes),
  });
  const resumeWhenDrained = () => {
    if (gate.backpressured && to.bufferedAmount <= resumeAt) gate.setBackpressured(false);
  };

  from.on('message', (data: Data, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    to.send(data, { binary: isBinary, compress: false }, resumeWhenDrained);
    if (!gate.backpressured && to.bufferedAmount > pauseAbove) gate.setBackpressured(true);
    gate.count(size);
  });
}

/**
 * Relays two WebSockets into each other, frame for frame. A slow reader on one side pauses reading
 * on the other, so a slow viewer slows its own stream instead of filling the backend's memory, and
 * no stream moves more than TURN_BYTES per event-loop turn, so busy streams cannot starve quiet ones.
 */
export function pipeWebSockets(viewer: WebSocket, agent: WebSocket, opts: PipeOptions): void {
  forward(agent, viewer, 'down', opts);
  forward(viewer, agent, 'up', opts);
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
