import { performance } from 'node:perf_hooks';
import type { Conn, Opener } from './conn';
import { rssBytes } from './proc-stats';
import { encodeHeader } from './sink-protocol';
import { heldBytes, socketCounters, socketInodes } from './socket-buffers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface MemoryFigures {
  /** Growth of resident memory per open (idle, used once) stream, over `openStreams` of them. */
  openStreams: number;
  backendRssPerStreamKiB: number;
  agentRssPerStreamKiB: number;
  /** Peak bytes held in each process's memory for one stream moving bulk data at full speed. */
  bulkPeakHeldKiB: Held;
  /** The same, per stream, with `streams` streams at full speed. */
  concurrentPeakHeldPerStreamKiB: Held;
  /** A viewer that stops reading: peak held bytes while its stream is stalled. */
  stalledPeakHeldKiB: Held;
  /** A fast stream's throughput beside a stalled one, over its throughput alone. */
  fastBesideStalledRatio: number;
  /** How many times the held bytes were sampled, over all three phases. */
  heldSamples: number;
}

interface Held {
  backend: number;
  agent: number;
}

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
  const peak = { backend: 0, agent: 0 };
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const backend = socketInodes(targets.pids.backend);
      const agent = socketInodes(targets.pids.agent);
      // The counters of two sockets are read a moment apart, and at hundreds of MB/s a moment is
      // kilobytes (more when the VM loses its CPU mid-dump): of two dumps back to back, the lower
      // reading is the nearer one.
      const [first, second] = [await socketCounters(targets.ports), await socketCounters(targets.ports)];
      const held = (inodes: Set<number>) =>
        Math.min(heldBytes(first, inodes, baseline), heldBytes(second, inodes, baseline));
      peak.backend = Math.max(peak.backend, held(backend));
      peak.agent = Math.max(peak.agent, held(agent));
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

const openAll = (open: Opener, n: number) => Promise.all(Array.from({ length: n }, () => open()));

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

/**
 * Memory and backpressure on the StreamSpace path: resident memory per open stream, and bytes
 * held in the backend's and the agent's own memory while streams run flat out or a viewer stalls.
 */
export async function measureMemory(
  open: Opener,
  targets: MemoryTargets,
  options: { openStreams: number; streams: number; windowMs: number },
): Promise<MemoryFigures> {
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
  const rss0 = { backend: rssBytes(targets.pids.backend), agent: rssBytes(targets.pids.agent) };
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
  const rss1 = { backend: rssBytes(targets.pids.backend), agent: rssBytes(targets.pids.agent) };
  for (const conn of conns) conn.close();

  return {
    openStreams: options.openStreams,
    backendRssPerStreamKiB: kib((rss1.backend - rss0.backend) / options.openStreams),
    agentRssPerStreamKiB: kib((rss1.agent - rss0.agent) / options.openStreams),
    bulkPeakHeldKiB: { backend: kib(bulkPeak.backend), agent: kib(bulkPeak.agent) },
    concurrentPeakHeldPerStreamKiB: {
      backend: kib(concurrentPeak.backend / options.streams),
      agent: kib(concurrentPeak.agent / options.streams),
    },
    stalledPeakHeldKiB: { backend: kib(stalledPeak.backend), agent: kib(stalledPeak.agent) },
    fastBesideStalledRatio: Math.round((beside / alone) * 100) / 100,
    heldSamples: bulkPeak.samples + concurrentPeak.samples + stalledPeak.samples,
  };
}
