import type { Opener } from './conn';
import { cpuSeconds } from './proc-stats';
import { bulk, concurrentBulk, concurrentLatency, latency, quietAmongBusy } from './workloads';

/** remote: viewer → backend → tunnel → agent → server; local: viewer → local stack → server. */
export type PathName = 'direct' | 'websockify' | 'remote' | 'local';
export const PATHS: readonly PathName[] = ['direct', 'websockify', 'remote', 'local'];

export interface RoundConfig {
  rounds: number;
  bulkBytes: number;
  roundTrips: number;
  streams: number;
  concurrentWindowMs: number;
  concurrentRoundTrips: number;
  quietWindowMs: number;
}

/** Everything one path collected over all rounds. */
export interface PathSamples {
  bulk: { bytes: number; seconds: number }[];
  latencyMs: number[];
  concurrentBulk: { perStream: number[]; seconds: number }[];
  concurrentLatencyMs: number[];
  quietLatencyMs: number[];
  quietBusyBytes: number[][];
  /** CPU seconds of the relay processes while this path moved bulk bytes, by process. */
  cpu: Record<string, number>;
  cpuBytes: number;
}

export interface Relay {
  name: string;
  pid: number;
  /** websockify forks per connection: its reaped children count too. */
  children: boolean;
}

const emptySamples = (): PathSamples => ({
  bulk: [],
  latencyMs: [],
  concurrentBulk: [],
  concurrentLatencyMs: [],
  quietLatencyMs: [],
  quietBusyBytes: [],
  cpu: {},
  cpuBytes: 0,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

async function withCpu<T extends { bytes: number }>(
  relays: readonly Relay[],
  samples: PathSamples,
  work: () => Promise<T>,
): Promise<T> {
  const before = relays.map((r) => cpuSeconds(r.pid, r.children));
  const result = await work();
  // Forked children are reaped a moment after their connection closes.
  if (relays.some((r) => r.children)) await settle();
  relays.forEach((r, i) => {
    samples.cpu[r.name] = (samples.cpu[r.name] ?? 0) + cpuSeconds(r.pid, r.children) - (before[i] as number);
  });
  samples.cpuBytes += result.bytes;
  return result;
}

/**
 * Runs every workload on every path, round after round, rotating which path goes first so that
 * drift in the machine's load falls on all of them alike.
 */
export async function runRounds(
  openers: Record<PathName, Opener>,
  relays: Record<PathName, readonly Relay[]>,
  config: RoundConfig,
  progress: (line: string) => void,
): Promise<Record<PathName, PathSamples>> {
  const out = Object.fromEntries(PATHS.map((p) => [p, emptySamples()])) as Record<PathName, PathSamples>;
  // Warm-up: JIT, connection pools and TCP autotuning, for every path, not counted.
  for (const path of PATHS) {
    await bulk(openers[path], config.bulkBytes / 4);
    await latency(openers[path], 200);
    progress(`warmed up ${path}`);
  }
  const perRound = (n: number) => Math.round(n / config.rounds);
  const steps: Array<[string, (path: PathName) => Promise<void>]> = [
    [
      'bulk',
      async (path) => {
        const s = out[path];
        s.bulk.push(await withCpu(relays[path], s, () => bulk(openers[path], config.bulkBytes)));
      },
    ],
    [
      'latency',
      async (path) => {
        out[path].latencyMs.push(...(await latency(openers[path], perRound(config.roundTrips))));
      },
    ],
    [
      'concurrent bulk',
      async (path) => {
        out[path].concurrentBulk.push(
          await concurrentBulk(openers[path], config.streams, config.concurrentWindowMs),
        );
      },
    ],
    [
      'concurrent latency',
      async (path) => {
        const each = Math.round(perRound(config.concurrentRoundTrips) / config.streams);
        out[path].concurrentLatencyMs.push(...(await concurrentLatency(openers[path], config.streams, each)));
      },
    ],
    [
      'quiet among busy',
      async (path) => {
        const run = await quietAmongBusy(openers[path], config.streams - 1, config.quietWindowMs);
        out[path].quietLatencyMs.push(...run.samples);
        out[path].quietBusyBytes.push(run.busyBytes);
      },
    ],
  ];
  for (let round = 0; round < config.rounds; round++) {
    const order = PATHS.map((_, i) => PATHS[(i + round) % PATHS.length] as PathName);
    for (const [name, step] of steps) {
      for (const path of order) {
        await step(path);
        await settle();
      }
      progress(`round ${round + 1}/${config.rounds}: ${name}`);
    }
  }
  return out;
}
