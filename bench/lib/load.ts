import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RawHttpClient } from './raw-http';

export interface LoadResult {
  latenciesMs: number[];
  seconds: number;
  errors: number;
  bytes: number;
  /** How late the client's own event loop ran; a large figure inflates every latency here. */
  clientLoopDelayP99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One client per token, each on its own kept-alive connection. With `intervalMs` 0 a client sends
 * its next request as soon as the answer is complete (a closed loop: it measures saturation);
 * otherwise it starts one every `intervalMs`, as a poller does, from a random offset so the
 * clients do not fire in step. Latency runs from the request to the last byte of the body, which
 * is not parsed, so the client's own JSON work does not count. `check` sees each client's first
 * answer.
 */
export async function runClients(options: {
  url: string;
  tokens: readonly string[];
  /** Sent with every request, beside the token. */
  headers?: Record<string, string>;
  intervalMs: number;
  maxRequestsPerClient: number;
  maxSeconds: number;
  check?: (body: Buffer) => boolean;
  /**
   * Connections to use, one per token, kept open by the caller across runs: a fresh connection
   * starts with small TCP windows, and with 370 KB answers that showed in the first requests of
   * every short run (p99 three times that of a long run of the same build).
   */
  connections?: readonly RawHttpClient[];
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const target = `${url.pathname}${url.search}`;
  const latenciesMs: number[] = [];
  let errors = 0;
  let bytes = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const start = performance.now();
  const stopAt = start + options.maxSeconds * 1000;
  await Promise.all(
    options.tokens.map(async (token, index) => {
      const own = options.connections?.[index] === undefined;
      const client = options.connections?.[index] ?? new RawHttpClient(url);
      const headers = { ...options.headers, Authorization: `Bearer ${token}` };
      let due = start + Math.random() * options.intervalMs;
      for (let i = 0; i < options.maxRequestsPerClient; i++) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= stopAt) break;
        const checked = options.check && i === 0;
        const t0 = performance.now();
        const res = await client.get(target, headers, !!checked);
        latenciesMs.push(performance.now() - t0);
        bytes += res.bytes;
        if (res.status !== 200 || (checked && !options.check?.(res.body as Buffer))) errors++;
        due += options.intervalMs;
      }
      if (own) client.close();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  loopDelay.disable();
  return { latenciesMs, seconds, errors, bytes, clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
}
