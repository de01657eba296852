import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import type WebSocket from 'ws';
import { toKubeApiError } from './kube-errors';
import type { KubeOperationName } from './operations';

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

/** The status code in ws's "Unexpected server response: 403" upgrade failure. */
function upgradeStatus(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message);
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Why a pod stream's WebSocket upgrade failed, named like any other API call that failed. */
export function describeUpgradeFailure(
  error: unknown,
  operation: KubeOperationName,
  target: { namespace: string; pod: string },
  what: string,
): Error {
  const status = upgradeStatus(error);
  if (status === 404) return new Error(`pod ${target.pod} is gone, so ${what} cannot be opened`);
  if (status !== undefined) {
    return toKubeApiError({ code: status, body: '', headers: {} }, operation, target.namespace, false);
  }
  const reason = error instanceof Error ? error.message : String((error as { message?: unknown })?.message);
  return new Error(`${what} to pod ${target.pod} failed: ${reason}`);
}
