import { performance } from 'node:perf_hooks';
import type { Conn, Opener } from './conn';
import { rssBytes } from './proc-stats';
import { encodeHeader } from './sink-protocol';
import { heldBytes, socketCounters, socketInodes } from './socket-buffers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every figure is the worst over all rounds: the bound has to hold every time, not typically. */
export interface MemoryFigures {
  rounds: number;
  /** Growth of resident memory per open (idle, used once) stream, over `openStreams` of them. */
  openStreams: number;
  rssPerStreamKiB: Held;
  /** Peak bytes held in each process's memory for one stream moving bulk data at full speed. */
  bulkPeakHeldKiB: Held;
  /** The same, per stream, with `streams` streams at full speed. */
  concurrentPeakHeldPerStreamKiB: Held;
  /** A viewer that stops reading: peak held bytes while its stream is stalled. */
  stalledPeakHeldKiB: Held;
  /** A fast stream's throughput beside a stalled one, over its throughput alone (the lowest). */
  fastBesideStalledRatio: number;
  /** How many times the held bytes were sampled, over all phases and rounds. */
  heldSamples: number;
}

/** By relay process: backend and agent, or the local stack. */
type Held = Record<string, number>;

export interface MemoryTargets {
  pids: Held;
  /** The backend's and the sink's ports: every socket of a stream has one of them at one end. */
  ports: number[];
}

const kib = (n: number) => Math.round((n / 1024) * 10) / 10;

/**
 * Samples the bytes both relays hold, every few milliseconds, over sockets opened after the call.
 * Streams must still be open when it stops: a socket that closes takes its counters with it, and
 * its partner's would then count as held.
 */
async function startSampler(
  targets: MemoryTargets,
): Promise<{ stop(): Promise<Held & { samples: number }> }> {
  const baseline = new Set((await socketCounters(targets.ports)).map((s) => s.key));
  const names = Object.keys(targets.pids);
  const peak: Held = Object.fromEntries(names.map((n) => [n, 0]));
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const inodes = names.map((n) => socketInodes(targets.pids[n] as number));
      // The counters of two sockets are read a moment apart, and at hundreds of MB/s a moment is
      // kilobytes (more when the VM loses its CPU mid-dump): of two dumps back to back, the lower
      // reading is the nearer one.
      const [first, second] = [await socketCounters(targets.ports), await socketCounters(targets.ports)];
      names.forEach((n, i) => {
        const own = inodes[i] as Set<number>;
        const held = Math.min(heldBytes(first, own, baseline), heldBytes(second, own, baseline));
        peak[n] = Math.max(peak[n] as number, held);
      });
      samples++;
      await sleep(5);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ...peak, samples };
    },
  };
}

/** Starts endless streams on `conns`; `rate()` is each one's bytes per second since `mark()`. */
function flow(conns: Conn[]) {
  const counts = conns.map(() => 0);
  conns.forEach((conn, i) => {
    conn.onData((chunk) => {
      counts[i] = (counts[i] as number) + chunk.length;
    });
    conn.send(encodeHeader('stream', 0));
  });
  let from = [...counts];
  let at = performance.now();
  return {
    mark() {
      from = [...counts];
      at = performance.now();
    },
    rates: () => counts.map((n, i) => (n - (from[i] as number)) / ((performance.now() - at) / 1000)),
  };
}

/**
 * Eight at a time: each open takes a viewer ticket first, and a user may hold only 16 unused ones
 * (MAX_TICKETS_PER_USER), the oldest giving way, so 50 at once would void each other's tickets.
 */
async function openAll(open: Opener, n: number): Promise<Conn[]> {
  const conns: Conn[] = [];
  while (conns.length < n) {
    const batch = Math.min(8, n - conns.length);
    conns.push(...(await Promise.all(Array.from({ length: batch }, () => open()))));
  }
  return conns;
}

/** Peak held bytes while `streams` streams run flat out for `windowMs`. */
async function heldWhileStreaming(open: Opener, targets: MemoryTargets, streams: number, windowMs: number) {
  const sampler = await startSampler(targets);
  const conns = await openAll(open, streams);
  flow(conns);
  await sleep(windowMs);
  const peak = await sampler.stop();
  for (const conn of conns) conn.close();
  return peak;
}

const maxOf = (a: Held, b: Held): Held =>
  Object.fromEntries(Object.keys(b).map((n) => [n, Math.max(a[n] ?? 0, b[n] as number)]));
const mapHeld = (h: Held, f: (n: number) => number): Held =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, f(v)]));

/**
 * Memory and backpressure on a StreamSpace path, `rounds` times over, keeping the worst of each
 * figure: resident memory per open stream, and bytes held in each relay process's own memory
 * while streams run flat out or a viewer stalls.
 */
export async function measureMemory(
  open: Opener,
  targets: MemoryTargets,
  options: { openStreams: number; streams: number; windowMs: number; rounds: number },
): Promise<MemoryFigures> {
  let worst: Omit<MemoryFigures, 'rounds' | 'openStreams'> | null = null;
  for (let round = 0; round < options.rounds; round++) {
    const r = await memoryRound(open, targets, options);
    worst = worst
      ? {
          rssPerStreamKiB: maxOf(worst.rssPerStreamKiB, r.rssPerStreamKiB),
          bulkPeakHeldKiB: maxOf(worst.bulkPeakHeldKiB, r.bulkPeakHeldKiB),
          concurrentPeakHeldPerStreamKiB: maxOf(
            worst.concurrentPeakHeldPerStreamKiB,
            r.concurrentPeakHeldPerStreamKiB,
          ),
          stalledPeakHeldKiB: maxOf(worst.stalledPeakHeldKiB, r.stalledPeakHeldKiB),
          fastBesideStalledRatio: Math.min(worst.fastBesideStalledRatio, r.fastBesideStalledRatio),
          heldSamples: worst.heldSamples + r.heldSamples,
        }
      : r;
  }
  if (!worst) throw new Error('no memory rounds');
  return { rounds: options.rounds, openStreams: options.openStreams, ...worst };
}

async function memoryRound(
  open: Opener,
  targets: MemoryTargets,
  options: { openStreams: number; streams: number; windowMs: number },
): Promise<Omit<MemoryFigures, 'rounds' | 'openStreams'>> {
  const bulkPeak = await heldWhileStreaming(open, targets, 1, options.windowMs);
  const concurrentPeak = await heldWhileStreaming(open, targets, options.streams, options.windowMs);

  // A fast stream alone, then beside a viewer that has stopped reading; the sampler runs through
  // both windows so that its own cost weighs on both alike, and counts only the stalled stream.
  const [fast] = await openAll(open, 1);
  const fastFlow = flow([fast as Conn]);
  await sleep(300);
  const sampler = await startSampler(targets);
  fastFlow.mark();
  await sleep(options.windowMs);
  const alone = fastFlow.rates()[0] as number;
  const [stalled] = await openAll(open, 1);
  (stalled as Conn).onData(() => {});
  (stalled as Conn).pause();
  (stalled as Conn).send(encodeHeader('stream', 0));
  await sleep(500);
  fastFlow.mark();
  await sleep(options.windowMs);
  const beside = fastFlow.rates()[0] as number;
  const stalledPeak = await sampler.stop();
  fast?.close();
  stalled?.close();

  await sleep(500);
  const rss = () => mapHeld(targets.pids, rssBytes);
  const rss0 = rss();
  const conns = await openAll(open, options.openStreams);
  // One round trip each, so every stream's buffers have been allocated once.
  await Promise.all(
    conns.map(async (conn) => {
      conn.send(encodeHeader('echo'));
      await new Promise<void>((resolve) => {
        let got = 0;
        conn.onData((chunk) => {
          got += chunk.length;
          if (got >= 64) resolve();
        });
        conn.send(Buffer.alloc(64));
      });
    }),
  );
  await sleep(500);
  const rss1 = rss();
  for (const conn of conns) conn.close();

  const { samples: bulkSamples, ...bulkHeld } = bulkPeak;
  const { samples: concurrentSamples, ...concurrentHeld } = concurrentPeak;
  const { samples: stalledSamples, ...stalledHeld } = stalledPeak;
  return {
    rssPerStreamKiB: Object.fromEntries(
      Object.keys(rss1).map((k) => [
        k,
        kib(((rss1[k] as number) - (rss0[k] as number)) / options.openStreams),
      ]),
    ),
    bulkPeakHeldKiB: mapHeld(bulkHeld, kib),
    concurrentPeakHeldPerStreamKiB: mapHeld(concurrentHeld, (n) => kib(n / options.streams)),
    stalledPeakHeldKiB: mapHeld(stalledHeld, kib),
    fastBesideStalledRatio: Math.round((beside / alone) * 100) / 100,
    heldSamples: bulkSamples + concurrentSamples + stalledSamples,
  };
}
