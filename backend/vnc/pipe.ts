import WebSocket from 'ws';

export interface PipeOptions {
  /** Pause the source when the destination has this many bytes queued; resume below half of it. */
  highWaterMark: number;
  onBytes?: (direction: 'down' | 'up', bytes: number) => void;
}

type Data = Buffer | ArrayBuffer | Buffer[];

function forward(from: WebSocket, to: WebSocket, direction: 'down' | 'up', opts: PipeOptions): void {
  const low = opts.highWaterMark / 2;
  let paused = false;
  const resumeWhenDrained = () => {
    if (paused && to.bufferedAmount <= low) {
      paused = false;
      from.resume();
    }
  };
  from.on('message', (data: Data, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    opts.onBytes?.(direction, size);
    to.send(data, { binary: isBinary, compress: false }, resumeWhenDrained);
    if (!paused && to.bufferedAmount > opts.highWaterMark) {
      paused = true;
      from.pause();
    }
  });
}

/**
 * Relays two WebSockets into each other, frame for frame. A slow reader on one side pauses reading
 * on the other, so a slow viewer slows its own stream instead of filling the backend's memory.
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
