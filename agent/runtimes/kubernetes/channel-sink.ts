import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import type WebSocket from 'ws';

/**
 * The Writable client-node writes one channel of a pod stream into (port-forward data, exec
 * stdout): it pushes into `into`, and while the reader of `into` is behind, the socket is paused
 * and the write waits. Call `drained()` from `into`'s read().
 */
export function channelSink(into: Readable, socket: () => WebSocket | undefined) {
  let waiting: (() => void) | null = null;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (into.push(chunk)) callback();
      else {
        socket()?.pause();
        waiting = () => callback();
      }
    },
  });
  return {
    sink,
    drained(): void {
      const resume = waiting;
      waiting = null;
      socket()?.resume();
      resume?.();
    },
  };
}
