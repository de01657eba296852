import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectUnix } from './unix-socket';

const BANNER = /^RFB \d{3}\.\d{3}\n$/;

/** Where an RFB server listens: a local session's Unix socket, or a TCP port on loopback. */
export type RfbTarget = { path: string } | number;

function describeTarget(target: RfbTarget): string {
  return typeof target === 'number' ? `RFB port ${target}` : `RFB socket ${target.path}`;
}

function open(target: RfbTarget, host: string): Socket {
  return typeof target === 'number' ? connect({ host, port: target }) : connectUnix(target.path);
}

/** Connects once and reads the 12-byte protocol banner, e.g. "RFB 003.008". */
export function probeRfb(target: RfbTarget, timeoutMs: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = open(target, host);
    let received = Buffer.alloc(0);
    const finish = (error: Error | null, banner?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(banner!);
    };
    const timer = setTimeout(() => finish(new Error(`no RFB banner within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 12) return;
      const text = received.subarray(0, 12).toString('latin1');
      if (BANNER.test(text)) finish(null, text.trimEnd());
      else finish(new Error(`not an RFB server: ${JSON.stringify(text)}`));
    });
    socket.once('error', (error) => finish(error));
    socket.once('end', () => finish(new Error('connection closed before the RFB banner')));
  });
}

/** Polls until the target speaks RFB; the signal ends the wait early, e.g. when the server died. */
export async function waitForRfb(
  target: RfbTarget,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    try {
      return await probeRfb(target, Math.max(1, Math.min(2_000, deadline - Date.now())));
    } catch (error) {
      lastError = error;
    }
    try {
      await sleep(options.intervalMs ?? 100, undefined, { signal: options.signal });
    } catch (error) {
      // Node rejects with a generic AbortError; the caller wants the reason it aborted with.
      options.signal?.throwIfAborted();
      throw error;
    }
  }
  throw new Error(
    `${describeTarget(target)} did not answer within ${options.timeoutMs} ms: ${String(lastError)}`,
  );
}
