import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface LoadResult {
  latenciesMs: number[];
  seconds: number;
  errors: number;
  bytes: number;
  /** How late the client's own event loop ran; a large figure inflates every latency here. */
  clientLoopDelayP99Ms: number;
}

/**
 * One GET over a kept-alive socket; resolves with the status, the body's size and, when asked,
 * the body. Not keeping 370 KB answers spares the client garbage collection that would otherwise
 * show up in the very latencies it measures.
 */
function get(
  agent: http.Agent,
  url: URL,
  token: string,
  keepBody: boolean,
): Promise<{ status: number; bytes: number; body: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keepBody) chunks.push(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, body: keepBody ? Buffer.concat(chunks) : undefined }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
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
  intervalMs: number;
  maxRequestsPerClient: number;
  maxSeconds: number;
  check?: (body: Buffer) => boolean;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.tokens.length });
  const latenciesMs: number[] = [];
  let errors = 0;
  let bytes = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const start = performance.now();
  const stopAt = start + options.maxSeconds * 1000;
  await Promise.all(
    options.tokens.map(async (token) => {
      let due = start + Math.random() * options.intervalMs;
      for (let i = 0; i < options.maxRequestsPerClient; i++) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= stopAt) break;
        const checked = options.check && i === 0;
        const t0 = performance.now();
        const res = await get(agent, url, token, !!checked);
        latenciesMs.push(performance.now() - t0);
        bytes += res.bytes;
        if (res.status !== 200 || (checked && !options.check?.(res.body as Buffer))) errors++;
        due += options.intervalMs;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  loopDelay.disable();
  agent.destroy();
  return { latenciesMs, seconds, errors, bytes, clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
}
