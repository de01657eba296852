import { mean, percentile, round } from './stats';
import type { PathName, PathSamples } from './tunnel-rounds';

export interface PathFigures {
  throughputMBps: number;
  bulkMB: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  roundTrips: number;
  concurrent: {
    aggregateMBps: number;
    perStreamMinMBps: number;
    perStreamMeanMBps: number;
    perStreamMaxMBps: number;
    /** The slowest stream over the mean, in the worst round. */
    fairness: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
    roundTrips: number;
    /** One echo stream's round trips while the other streams run flat out. */
    quietLatencyP50Ms: number;
    quietLatencyP99Ms: number;
    quietRoundTrips: number;
    busyFairness: number;
  };
  /** CPU seconds per GB of bulk data, per relay process (none for direct). */
  cpuSecondsPerGB: Record<string, number>;
}

const MB = 1e6;

/** The slowest stream over the mean stream. */
function fairness(perStream: readonly number[]): number {
  return Math.min(...perStream) / mean(perStream);
}

export function summarise(s: PathSamples): PathFigures {
  const bytes = s.bulk.reduce((n, r) => n + r.bytes, 0);
  const seconds = s.bulk.reduce((n, r) => n + r.seconds, 0);
  const rates = s.concurrentBulk.flatMap((r) => r.perStream.map((b) => b / r.seconds / MB));
  const aggregate = mean(
    s.concurrentBulk.map((r) => r.perStream.reduce((a, b) => a + b, 0) / r.seconds / MB),
  );
  const cpu: Record<string, number> = {};
  for (const [name, sec] of Object.entries(s.cpu)) cpu[name] = round(sec / (s.cpuBytes / 1e9), 3);
  return {
    throughputMBps: round(bytes / seconds / MB, 1),
    bulkMB: round(bytes / MB, 0),
    latencyP50Ms: round(percentile(s.latencyMs, 50), 3),
    latencyP99Ms: round(percentile(s.latencyMs, 99), 3),
    roundTrips: s.latencyMs.length,
    concurrent: {
      aggregateMBps: round(aggregate, 1),
      perStreamMinMBps: round(Math.min(...rates), 1),
      perStreamMeanMBps: round(mean(rates), 1),
      perStreamMaxMBps: round(Math.max(...rates), 1),
      fairness: round(Math.min(...s.concurrentBulk.map((r) => fairness(r.perStream))), 2),
      latencyP50Ms: round(percentile(s.concurrentLatencyMs, 50), 3),
      latencyP99Ms: round(percentile(s.concurrentLatencyMs, 99), 3),
      roundTrips: s.concurrentLatencyMs.length,
      quietLatencyP50Ms: round(percentile(s.quietLatencyMs, 50), 3),
      quietLatencyP99Ms: round(percentile(s.quietLatencyMs, 99), 3),
      quietRoundTrips: s.quietLatencyMs.length,
      busyFairness: round(Math.min(...s.quietBusyBytes.map((b) => fairness(b))), 2),
    },
    cpuSecondsPerGB: cpu,
  };
}

/** One StreamSpace path against websockify and against a direct connection, from the same rounds. */
export interface Ratios {
  throughputVsWebsockify: number;
  throughputVsDirect: number;
  /** Each relay process's CPU per GB over websockify's (its one process, forks included). */
  cpuPerGBVsWebsockify: Record<string, number>;
  addedLatencyP50Ms: number;
  addedLatencyP99Ms: number;
  concurrentThroughputVsWebsockify: number;
  concurrentThroughputVsDirect: number;
  concurrentAddedLatencyP50Ms: number;
  concurrentAddedLatencyP99Ms: number;
  quietAddedLatencyP99Ms: number;
  quietLatencyP99VsWebsockify: number;
}

export interface AllRatios {
  remote: Ratios;
  local: Ratios;
  websockifyAddedLatencyP50Ms: number;
  websockifyAddedLatencyP99Ms: number;
}

function ratiosOf(s: PathFigures, d: PathFigures, w: PathFigures): Ratios {
  const websockifyCpu = w.cpuSecondsPerGB.websockify ?? Number.NaN;
  return {
    throughputVsWebsockify: round(s.throughputMBps / w.throughputMBps, 2),
    throughputVsDirect: round(s.throughputMBps / d.throughputMBps, 2),
    cpuPerGBVsWebsockify: Object.fromEntries(
      Object.entries(s.cpuSecondsPerGB).map(([name, sec]) => [name, round(sec / websockifyCpu, 2)]),
    ),
    addedLatencyP50Ms: round(s.latencyP50Ms - d.latencyP50Ms, 3),
    addedLatencyP99Ms: round(s.latencyP99Ms - d.latencyP99Ms, 3),
    concurrentThroughputVsWebsockify: round(s.concurrent.aggregateMBps / w.concurrent.aggregateMBps, 2),
    concurrentThroughputVsDirect: round(s.concurrent.aggregateMBps / d.concurrent.aggregateMBps, 2),
    concurrentAddedLatencyP50Ms: round(s.concurrent.latencyP50Ms - d.concurrent.latencyP50Ms, 3),
    concurrentAddedLatencyP99Ms: round(s.concurrent.latencyP99Ms - d.concurrent.latencyP99Ms, 3),
    quietAddedLatencyP99Ms: round(s.concurrent.quietLatencyP99Ms - d.concurrent.quietLatencyP99Ms, 3),
    quietLatencyP99VsWebsockify: round(s.concurrent.quietLatencyP99Ms / w.concurrent.quietLatencyP99Ms, 2),
  };
}

export function ratios(f: Record<PathName, PathFigures>): AllRatios {
  const { direct: d, websockify: w } = f;
  return {
    remote: ratiosOf(f.remote, d, w),
    local: ratiosOf(f.local, d, w),
    websockifyAddedLatencyP50Ms: round(w.latencyP50Ms - d.latencyP50Ms, 3),
    websockifyAddedLatencyP99Ms: round(w.latencyP99Ms - d.latencyP99Ms, 3),
  };
}
