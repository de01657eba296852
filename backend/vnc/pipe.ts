import WebSocket from 'ws';

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
  let backpressured = false;
  let turnEnded = false;
  let paused = false;
  let turnBytes = 0;

  // One pause state, two reasons: ws.pause/resume only run on a change.
  const sync = () => {
    const want = backpressured || turnEnded;
    if (want === paused) return;
    paused = want;
    if (want) from.pause();
    else from.resume();
  };
  const resumeWhenDrained = () => {
    if (backpressured && to.bufferedAmount <= resumeAt) {
      backpressured = false;
      sync();
    }
  };
  // Runs once per turn in which this direction moved bytes; the byte counter is updated here too,
  // once a turn rather than once a frame.
  const endTurn = () => {
    if (turnBytes > 0) opts.onBytes?.(direction, turnBytes);
    turnBytes = 0;
    if (turnEnded) {
      turnEnded = false;
      sync();
    }
  };

  from.on('message', (data: Data, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (turnBytes === 0) setImmediate(endTurn);
    turnBytes += size;
    to.send(data, { binary: isBinary, compress: false }, resumeWhenDrained);
    if (!backpressured && to.bufferedAmount > pauseAbove) backpressured = true;
    if (turnBytes >= TURN_BYTES) turnEnded = true;
    sync();
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
    const safe = code && code >= 3000 && code < 5000 ? code : 1000;
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
