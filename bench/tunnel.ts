import { mean, round, table } from './lib/stats';
import { measureMemory } from './lib/tunnel-memory';
import { PATHS, type PathName, type RoundConfig, runRounds } from './lib/tunnel-rounds';
import { startTunnelStack } from './lib/tunnel-stack';
import { type PathFigures, ratios, summarise } from './lib/tunnel-summary';
import { type FpsRun, xvncPass } from './lib/xvnc-pass';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const CONFIG: RoundConfig = {
  rounds: env('BENCH_TUNNEL_ROUNDS', 5),
  bulkBytes: env('BENCH_TUNNEL_BULK_MB', 64) * 1024 * 1024,
  roundTrips: 5_000,
  streams: 10,
  concurrentWindowMs: 1_500,
  concurrentRoundTrips: 5_000,
  quietWindowMs: 1_500,
};
const XVNC_ROUNDS = env('BENCH_TUNNEL_XVNC_ROUNDS', 4);
const XVNC_MS = 3_000;
const STREAM_BUFFER_LIMIT_KIB = 256;

const fps = (runs: FpsRun[]) =>
  round(runs.reduce((n, r) => n + r.frames, 0) / runs.reduce((n, r) => n + r.seconds, 0), 1);
const mbps = (runs: FpsRun[]) =>
  round(runs.reduce((n, r) => n + r.bytes, 0) / runs.reduce((n, r) => n + r.seconds, 0) / 1e6, 1);

/**
 * The VNC path against websockify and a direct connection: bulk throughput, small-message
 * latency, ten concurrent streams, relay CPU and memory, and frames per second from a real Xvnc.
 */
export async function benchTunnel(): Promise<Record<string, unknown>> {
  const log = (line: string) => console.error(`[tunnel] ${line}`);
  const stack = await startTunnelStack();
  let figures: Record<PathName, PathFigures>;
  let memory: Awaited<ReturnType<typeof measureMemory>>;
  try {
    log('stack up; running rounds');
    const samples = await runRounds(
      { direct: stack.direct, websockify: stack.websockifyPath, streamspace: stack.streamspace },
      {
        direct: [],
        websockify: [{ name: 'websockify', pid: stack.websockify.pid, children: true }],
        streamspace: [
          { name: 'backend', pid: stack.backend.pid, children: false },
          { name: 'agent', pid: stack.agent.pid, children: false },
        ],
      },
      CONFIG,
      log,
    );
    figures = Object.fromEntries(PATHS.map((p) => [p, summarise(samples[p])])) as Record<
      PathName,
      PathFigures
    >;
    log('measuring memory and backpressure');
    memory = await measureMemory(
      stack.streamspace,
      {
        pids: { backend: stack.backend.pid, agent: stack.agent.pid },
        ports: [stack.backendPort, stack.sinkPort],
      },
      { openStreams: 50, streams: CONFIG.streams, windowMs: 1_500 },
    );
  } finally {
    await stack.stop();
  }
  log('real-world pass: Xvnc with a flooding xterm');
  const xvnc = await xvncPass(XVNC_ROUNDS, XVNC_MS);
  const realWorld = {
    directFps: fps(xvnc.direct),
    streamspaceFps: fps(xvnc.streamspace),
    fpsRatio: round(fps(xvnc.streamspace) / fps(xvnc.direct), 2),
    directMBps: mbps(xvnc.direct),
    streamspaceMBps: mbps(xvnc.streamspace),
    seconds: round(mean(xvnc.direct.map((r) => r.seconds)) * xvnc.direct.length, 1),
  };

  const r = ratios(figures);
  const peakPerStream = Math.max(
    memory.bulkPeakHeldKiB.backend,
    memory.bulkPeakHeldKiB.agent,
    memory.concurrentPeakHeldPerStreamKiB.backend,
    memory.concurrentPeakHeldPerStreamKiB.agent,
    memory.stalledPeakHeldKiB.backend,
    memory.stalledPeakHeldKiB.agent,
  );
  const targets = {
    throughputVsWebsockify: {
      want: '>= 1.0',
      got: r.throughputVsWebsockify,
      met: r.throughputVsWebsockify >= 1,
    },
    throughputVsDirect: { want: '>= 0.7', got: r.throughputVsDirect, met: r.throughputVsDirect >= 0.7 },
    addedLatencyP50Ms: { want: '<= 0.3', got: r.addedLatencyP50Ms, met: r.addedLatencyP50Ms <= 0.3 },
    addedLatencyP99Ms: { want: '<= 2', got: r.addedLatencyP99Ms, met: r.addedLatencyP99Ms <= 2 },
    concurrentFairness: {
      want: '>= 0.5',
      got: figures.streamspace.concurrent.fairness,
      met:
        figures.streamspace.concurrent.fairness >= 0.5 && figures.streamspace.concurrent.busyFairness >= 0.5,
    },
    peakHeldPerStreamKiB: {
      want: `< ${STREAM_BUFFER_LIMIT_KIB}`,
      got: peakPerStream,
      met: peakPerStream < STREAM_BUFFER_LIMIT_KIB,
    },
  };

  printTables(figures, r, memory, realWorld, targets);
  return { config: CONFIG, paths: figures, ratios: r, memory, realWorld, targets };
}

function printTables(
  f: Record<PathName, PathFigures>,
  r: ReturnType<typeof ratios>,
  memory: Awaited<ReturnType<typeof measureMemory>>,
  realWorld: Record<string, number>,
  targets: Record<string, { want: string; got: number; met: boolean }>,
): void {
  const row = (figure: string, pick: (p: PathFigures) => number | string) => ({
    figure,
    direct: pick(f.direct),
    websockify: pick(f.websockify),
    streamspace: pick(f.streamspace),
  });
  console.log('\nVNC path: direct TCP vs websockify vs StreamSpace (viewer → backend → agent → server)');
  console.log(
    table([
      row('bulk MB/s (1 stream)', (p) => p.throughputMBps),
      row('RTT p50 ms (64 B)', (p) => p.latencyP50Ms),
      row('RTT p99 ms (64 B)', (p) => p.latencyP99Ms),
      row('10 streams: total MB/s', (p) => p.concurrent.aggregateMBps),
      row('10 streams: min/mean', (p) => p.concurrent.fairness),
      row('10 streams: RTT p50 ms', (p) => p.concurrent.latencyP50Ms),
      row('10 streams: RTT p99 ms', (p) => p.concurrent.latencyP99Ms),
      row('quiet beside 9 busy: p50 ms', (p) => p.concurrent.quietLatencyP50Ms),
      row('quiet beside 9 busy: p99 ms', (p) => p.concurrent.quietLatencyP99Ms),
      row(
        'relay CPU s/GB',
        (p) =>
          Object.entries(p.cpuSecondsPerGB)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '-',
      ),
    ]),
  );
  console.log('\nStreamSpace memory');
  console.log(
    table([
      {
        figure: 'RSS per open stream KiB (backend / agent)',
        value: `${memory.backendRssPerStreamKiB} / ${memory.agentRssPerStreamKiB}`,
      },
      {
        figure: 'peak held, 1 bulk stream KiB',
        value: `${memory.bulkPeakHeldKiB.backend} / ${memory.bulkPeakHeldKiB.agent}`,
      },
      {
        figure: 'peak held per stream, 10 streams KiB',
        value: `${memory.concurrentPeakHeldPerStreamKiB.backend} / ${memory.concurrentPeakHeldPerStreamKiB.agent}`,
      },
      {
        figure: 'peak held, stalled viewer KiB',
        value: `${memory.stalledPeakHeldKiB.backend} / ${memory.stalledPeakHeldKiB.agent}`,
      },
      { figure: 'fast stream beside a stalled one (x alone)', value: memory.fastBesideStalledRatio },
    ]),
  );
  console.log('\nReal Xvnc, flooding xterm, raw encoding');
  console.log(
    table([
      { figure: 'frames/s', direct: realWorld.directFps ?? 0, streamspace: realWorld.streamspaceFps ?? 0 },
      { figure: 'MB/s', direct: realWorld.directMBps ?? 0, streamspace: realWorld.streamspaceMBps ?? 0 },
    ]),
  );
  console.log('\nTargets');
  console.log(
    table(
      Object.entries(targets).map(([name, t]) => ({
        target: name,
        want: t.want,
        got: t.got,
        met: t.met ? 'yes' : 'NO',
      })),
    ),
  );
  console.log(
    `\nadded latency: p50 ${r.addedLatencyP50Ms} ms, p99 ${r.addedLatencyP99Ms} ms (websockify: ${r.websockifyAddedLatencyP50Ms} / ${r.websockifyAddedLatencyP99Ms})`,
  );
}
