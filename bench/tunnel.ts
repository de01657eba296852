import { askPeak } from './lib/relay-peak';
import { mean, round, table } from './lib/stats';
import { measureMemory } from './lib/tunnel-memory';
import { PATHS, type PathName, type RoundConfig, runRounds } from './lib/tunnel-rounds';
import { startTunnelStack } from './lib/tunnel-stack';
import { type AllRatios, type PathFigures, ratios, summarise } from './lib/tunnel-summary';
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
const MEMORY_ROUNDS = env('BENCH_TUNNEL_MEMORY_ROUNDS', 3);
const XVNC_ROUNDS = env('BENCH_TUNNEL_XVNC_ROUNDS', 4);
const XVNC_MS = 3_000;
const STREAM_BUFFER_LIMIT_KIB = 256;

const fps = (runs: FpsRun[]) =>
  round(runs.reduce((n, r) => n + r.frames, 0) / runs.reduce((n, r) => n + r.seconds, 0), 1);
const mbps = (runs: FpsRun[]) =>
  round(runs.reduce((n, r) => n + r.bytes, 0) / runs.reduce((n, r) => n + r.seconds, 0) / 1e6, 1);

type Memory = Awaited<ReturnType<typeof measureMemory>>;
/** KiB by process: the relays' own count of the most one stream held, over the whole run. */
type OwnPeaks = Record<string, number>;
type Target = { want: string; got: number | string; met: boolean };

/**
 * The VNC paths against websockify and a direct connection, side by side in alternating rounds:
 * a remote agent's (viewer → backend → tunnel → agent → server) and the local stack's one hop
 * (viewer → stack → server). Bulk throughput, small-message latency, ten concurrent streams,
 * relay CPU per GB and memory held per stream, and frames per second from a real Xvnc.
 */
export async function benchTunnel(): Promise<Record<string, unknown>> {
  const log = (line: string) => console.error(`[tunnel] ${line}`);
  const stack = await startTunnelStack();
  let figures: Record<PathName, PathFigures>;
  let memory: { remote: Memory; local: Memory };
  let ownPeaks: OwnPeaks;
  try {
    const relays = { backend: stack.backend, agent: stack.agent, stack: stack.localStack };
    // Start counting now: what set-up moved is not part of any round.
    for (const child of Object.values(relays)) await askPeak(child);
    log('stack up; running rounds');
    const samples = await runRounds(
      { direct: stack.direct, websockify: stack.websockifyPath, remote: stack.remote, local: stack.local },
      {
        direct: [],
        websockify: [{ name: 'websockify', pid: stack.websockify.pid, children: true }],
        remote: [
          { name: 'backend', pid: stack.backend.pid, children: false },
          { name: 'agent', pid: stack.agent.pid, children: false },
        ],
        local: [{ name: 'stack', pid: stack.localStack.pid, children: false }],
      },
      CONFIG,
      log,
    );
    figures = Object.fromEntries(PATHS.map((p) => [p, summarise(samples[p])])) as Record<
      PathName,
      PathFigures
    >;
    log('measuring memory and backpressure');
    const memoryOptions = {
      openStreams: 50,
      streams: CONFIG.streams,
      windowMs: 1_500,
      rounds: MEMORY_ROUNDS,
    };
    memory = {
      remote: await measureMemory(
        stack.remote,
        {
          pids: { backend: stack.backend.pid, agent: stack.agent.pid },
          ports: [stack.backendPort, stack.sinkPort],
        },
        memoryOptions,
      ),
      local: await measureMemory(
        stack.local,
        { pids: { stack: stack.localStack.pid }, ports: [stack.localPort, stack.sinkPort] },
        memoryOptions,
      ),
    };
    ownPeaks = {};
    for (const [name, child] of Object.entries(relays))
      ownPeaks[name] = round((await askPeak(child)) / 1024, 1);
  } finally {
    await stack.stop();
  }
  log('real-world pass: Xvnc with a flooding xterm, through the local stack');
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
  const targets = targetsOf(figures, r, ownPeaks);
  printTables(figures, r, memory, ownPeaks, realWorld, targets);
  return { config: CONFIG, paths: figures, ratios: r, memory, ownPeakHeldKiB: ownPeaks, realWorld, targets };
}

function targetsOf(
  f: Record<PathName, PathFigures>,
  r: AllRatios,
  ownPeaks: OwnPeaks,
): Record<string, Target> {
  const atMost = (got: number, limit: number, want = `<= ${limit}`): Target => ({
    want,
    got,
    met: got <= limit,
  });
  const atLeast = (got: number, limit: number): Target => ({ want: `>= ${limit}`, got, met: got >= limit });
  const fair = (p: PathFigures): Target => ({
    want: '>= 0.5',
    got: `${p.concurrent.fairness} / ${p.concurrent.busyFairness}`,
    met: p.concurrent.fairness >= 0.5 && p.concurrent.busyFairness >= 0.5,
  });
  const held = Math.max(...Object.values(ownPeaks));
  return {
    'local: throughput vs websockify': atLeast(r.local.throughputVsWebsockify, 1),
    'local: CPU/GB vs websockify': atMost(r.local.cpuPerGBVsWebsockify.stack ?? Number.NaN, 1),
    'local: added p50 ms vs websockify': atMost(
      r.local.addedLatencyP50Ms,
      r.websockifyAddedLatencyP50Ms,
      `<= ${r.websockifyAddedLatencyP50Ms}`,
    ),
    'local: throughput vs direct': atLeast(r.local.throughputVsDirect, 0.7),
    'local: added p99 ms': atMost(r.local.addedLatencyP99Ms, 2),
    'local: 10 streams fairness': fair(f.local),
    'remote: throughput vs websockify': atLeast(r.remote.throughputVsWebsockify, 0.8),
    'remote: backend CPU/GB vs websockify': atMost(r.remote.cpuPerGBVsWebsockify.backend ?? Number.NaN, 1),
    'remote: agent CPU/GB vs websockify': atMost(r.remote.cpuPerGBVsWebsockify.agent ?? Number.NaN, 1),
    'remote: 10 streams fairness': fair(f.remote),
    'peak held per stream KiB (relays, whole run)': {
      want: `< ${STREAM_BUFFER_LIMIT_KIB}`,
      got: held,
      met: held < STREAM_BUFFER_LIMIT_KIB,
    },
  };
}

const byProcess = (h: Record<string, number>) =>
  Object.entries(h)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

function printTables(
  f: Record<PathName, PathFigures>,
  r: AllRatios,
  memory: { remote: Memory; local: Memory },
  ownPeaks: OwnPeaks,
  realWorld: Record<string, number>,
  targets: Record<string, Target>,
): void {
  const row = (figure: string, pick: (p: PathFigures) => number | string) => ({
    figure,
    direct: pick(f.direct),
    websockify: pick(f.websockify),
    remote: pick(f.remote),
    local: pick(f.local),
  });
  console.log(
    '\nVNC paths: direct TCP, websockify, remote (viewer → backend → agent → server), local (viewer → stack → server)',
  );
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
      row('relay CPU s/GB', (p) => byProcess(p.cpuSecondsPerGB)),
    ]),
  );
  const ratioRow = (figure: string, pick: (x: AllRatios['remote']) => number | string) => ({
    figure,
    remote: pick(r.remote),
    local: pick(r.local),
  });
  console.log('\nRatios, from the same rounds');
  console.log(
    table([
      ratioRow('bulk throughput / websockify', (x) => x.throughputVsWebsockify),
      ratioRow('bulk throughput / direct', (x) => x.throughputVsDirect),
      ratioRow('CPU per GB / websockify, per hop', (x) => byProcess(x.cpuPerGBVsWebsockify)),
      ratioRow(`added RTT p50 ms (websockify ${r.websockifyAddedLatencyP50Ms})`, (x) => x.addedLatencyP50Ms),
      ratioRow(`added RTT p99 ms (websockify ${r.websockifyAddedLatencyP99Ms})`, (x) => x.addedLatencyP99Ms),
      ratioRow('10 streams total / websockify', (x) => x.concurrentThroughputVsWebsockify),
      ratioRow('quiet p99 / websockify', (x) => x.quietLatencyP99VsWebsockify),
    ]),
  );
  const memoryRow = (figure: string, pick: (m: Memory) => Record<string, number> | number) => ({
    figure,
    remote: ((v) => (typeof v === 'number' ? v : byProcess(v)))(pick(memory.remote)),
    local: ((v) => (typeof v === 'number' ? v : byProcess(v)))(pick(memory.local)),
  });
  console.log(
    `\nMemory held per stream, the most of the whole run by the relays' own count (KiB): ${byProcess(ownPeaks)}`,
  );
  console.log(
    `Memory from the kernel's socket counters, the worst of ${memory.remote.rounds} rounds (at a bulk stream's full speed a dump's skew between two sockets can read as megabytes)`,
  );
  console.log(
    table([
      memoryRow('RSS per open stream KiB', (m) => m.rssPerStreamKiB),
      memoryRow('peak held, 1 bulk stream KiB', (m) => m.bulkPeakHeldKiB),
      memoryRow('peak held per stream, 10 streams KiB', (m) => m.concurrentPeakHeldPerStreamKiB),
      memoryRow('peak held, stalled viewer KiB', (m) => m.stalledPeakHeldKiB),
      memoryRow('fast stream beside a stalled one (x alone)', (m) => m.fastBesideStalledRatio),
    ]),
  );
  console.log('\nReal Xvnc, flooding xterm, raw encoding, through the local stack');
  console.log(
    table([
      { figure: 'frames/s', direct: realWorld.directFps ?? 0, local: realWorld.streamspaceFps ?? 0 },
      { figure: 'MB/s', direct: realWorld.directMBps ?? 0, local: realWorld.streamspaceMBps ?? 0 },
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
}
