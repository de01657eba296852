import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const BANNER = /^RFB \d{3}\.\d{3}\n$/;

/** Connects once and reads the 12-byte protocol banner, e.g. "RFB 003.008". */
export function probeRfb(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
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

/** Polls until the port speaks RFB; the signal ends the wait early, e.g. when the server died. */
export async function waitForRfb(
  port: number,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    try {
      return await probeRfb(port, Math.max(1, Math.min(2_000, deadline - Date.now())));
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
  throw new Error(`RFB port ${port} did not answer within ${options.timeoutMs} ms: ${String(lastError)}`);
}
