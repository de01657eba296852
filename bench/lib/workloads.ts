import { performance } from 'node:perf_hooks';
import type { Conn, Opener } from './conn';
import { encodeHeader } from './sink-protocol';

export const MESSAGE_BYTES = 64;
const MESSAGE = Buffer.alloc(MESSAGE_BYTES, 0x61);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Server → client bulk: how long `bytes` take from the request to the last byte. */
export async function bulk(open: Opener, bytes: number): Promise<{ bytes: number; seconds: number }> {
  const conn = await open();
  let received = 0;
  const done = new Promise<void>((resolve) => {
    conn.onData((chunk) => {
      received += chunk.length;
      if (received >= bytes) resolve();
    });
  });
  const started = performance.now();
  conn.send(encodeHeader('stream', bytes));
  await done;
  const seconds = (performance.now() - started) / 1000;
  conn.close();
  return { bytes: received, seconds };
}

/** An echo connection that times round trips of one small message at a time. */
export async function echoer(open: Opener): Promise<{ roundTrip(): Promise<number>; conn: Conn }> {
  const conn = await open();
  let received = 0;
  let expected = 0;
  let wake: (() => void) | null = null;
  conn.onData((chunk) => {
    received += chunk.length;
    if (wake && received >= expected) {
      const w = wake;
      wake = null;
      w();
    }
  });
  conn.send(encodeHeader('echo'));
  return {
    conn,
    async roundTrip() {
      expected += MESSAGE_BYTES;
      const back = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const started = performance.now();
      conn.send(MESSAGE);
      await back;
      return performance.now() - started;
    },
  };
}

/** Round-trip times in ms, after `warmup` untimed ones. */
export async function latency(open: Opener, count: number, warmup = 200): Promise<number[]> {
  const echo = await echoer(open);
  for (let i = 0; i < warmup; i++) await echo.roundTrip();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await echo.roundTrip());
  echo.conn.close();
  return samples;
}

/** `streams` connections at once, each `count` round trips; all samples together. */
export async function concurrentLatency(open: Opener, streams: number, count: number): Promise<number[]> {
  const runs = await Promise.all(Array.from({ length: streams }, () => latency(open, count, 50)));
  return runs.flat();
}

/** Endless streams at once; bytes each one got during `windowMs`, after a warm-up. */
export async function concurrentBulk(
  open: Opener,
  streams: number,
  windowMs: number,
  warmupMs = 300,
): Promise<{ perStream: number[]; seconds: number }> {
  const conns = await Promise.all(Array.from({ length: streams }, () => open()));
  const counts = conns.map(() => 0);
  conns.forEach((conn, i) => {
    conn.onData((chunk) => {
      counts[i] = (counts[i] as number) + chunk.length;
    });
  });
  for (const conn of conns) conn.send(encodeHeader('stream', 0));
  await sleep(warmupMs);
  const before = [...counts];
  const started = performance.now();
  await sleep(windowMs);
  const seconds = (performance.now() - started) / 1000;
  const perStream = counts.map((n, i) => n - (before[i] as number));
  for (const conn of conns) conn.close();
  return { perStream, seconds };
}

/**
 * Head-of-line check: one quiet stream times round trips while `busy` others stream flat out, for
 * `windowMs` (by time, not count: under such load one round trip can take tens of milliseconds).
 * Returns the quiet stream's round trips and the busy streams' bytes in the same time.
 */
export async function quietAmongBusy(
  open: Opener,
  busy: number,
  windowMs: number,
): Promise<{ samples: number[]; busyBytes: number[]; seconds: number }> {
  const quiet = await echoer(open);
  for (let i = 0; i < 50; i++) await quiet.roundTrip();
  const conns = await Promise.all(Array.from({ length: busy }, () => open()));
  const counts = conns.map(() => 0);
  conns.forEach((conn, i) => {
    conn.onData((chunk) => {
      counts[i] = (counts[i] as number) + chunk.length;
    });
    conn.send(encodeHeader('stream', 0));
  });
  await sleep(200);
  const before = [...counts];
  const started = performance.now();
  const samples: number[] = [];
  while (performance.now() - started < windowMs) samples.push(await quiet.roundTrip());
  const seconds = (performance.now() - started) / 1000;
  const busyBytes = counts.map((n, i) => n - (before[i] as number));
  for (const conn of conns) conn.close();
  quiet.conn.close();
  return { samples, busyBytes, seconds };
}
