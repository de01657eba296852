import { cpus } from 'node:os';
import { type Build, buildsToCompare, inRoundOrder, ratio } from './lib/builds';
import { FaninFleet } from './lib/fanin-fleet';
import type { LaunchPhase } from './lib/launch-phase';
import { ProcessMeter, type ProcessUsage } from './lib/proc';
import { median, percentile, round, table } from './lib/stats';

const STEPS = (process.env.BENCH_FANIN_AGENTS ?? '100,500,2000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_FANIN_ROUNDS ?? 3);
/** 12 launches a second, 10 s a round: the rate the dispatch target is set at. */
const LAUNCHES_PER_SECOND = 12;
const LAUNCHES_PER_ROUND = Number(process.env.BENCH_FANIN_LAUNCHES ?? 120);
const IDLE_SECONDS = 20;
const HEARTBEAT_SECONDS = 5;
const TARGET_DISPATCH_P99_MS = 20;
const TARGET_AGENTS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  agents: number;
  build: string;
  /** Sessions in the database when the step's launches began (they accumulate step by step). */
  sessionsBefore: number;
  idleCores: number;
  idleRssMb: number;
  idlePeakRssMb: number;
  heartbeatsPerSecond: number;
  launches: number;
  dispatchP50Ms: number;
  dispatchP99Ms: number;
  dispatchMaxMs: number;
  roundDispatchP99Ms: number[];
  postP99Ms: number;
  launchCores: number;
  /** CPU of every process on the machine during the idle window and the launch rounds. */
  idleMachineCores: number;
  launchMachineCores: number;
}

/** Every build's backend measured over the same window, so they share whatever else ran. */
async function idleTogether(
  fleets: FaninFleet[],
): Promise<Map<FaninFleet, { usage: ProcessUsage; beats: number }>> {
  const meters = fleets.map((f) => ({ f, meter: new ProcessMeter(f.backend.pid), beats: f.heartbeatsSent }));
  for (const m of meters) m.meter.start();
  await sleep(IDLE_SECONDS * 1000);
  return new Map(
    meters.map(({ f, meter, beats }) => {
      const usage = meter.stop();
      return [f, { usage, beats: (f.heartbeatsSent - beats) / usage.seconds }];
    }),
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function step(fleets: FaninFleet[], agents: number, launched: number): Promise<Row[]> {
  for (const f of fleets) await f.growTo(agents);
  // One full heartbeat round so every new agent is in its steady state before measuring.
  await sleep(HEARTBEAT_SECONDS * 1000 + 500);
  const idle = await idleTogether(fleets);
  const phases = new Map<FaninFleet, LaunchPhase[]>(fleets.map((f) => [f, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of inRoundOrder(fleets, r)) {
      phases.get(f)?.push(await f.launch(LAUNCHES_PER_ROUND, LAUNCHES_PER_SECOND));
    }
  }
  return fleets.map((f) => {
    const ps = phases.get(f) ?? [];
    const dispatch = ps.flatMap((p) => p.dispatchMs);
    const post = ps.flatMap((p) => p.postMs);
    const i = idle.get(f);
    return {
      agents,
      build: f.build.label,
      sessionsBefore: launched,
      idleCores: round(i?.usage.cores ?? Number.NaN, 3),
      idleRssMb: round(i?.usage.rssMb ?? Number.NaN, 0),
      idlePeakRssMb: round(i?.usage.peakRssMb ?? Number.NaN, 0),
      heartbeatsPerSecond: round(i?.beats ?? Number.NaN, 1),
      launches: dispatch.length,
      dispatchP50Ms: round(median(dispatch), 2),
      dispatchP99Ms: round(percentile(dispatch, 99), 2),
      dispatchMaxMs: round(Math.max(...dispatch), 2),
      roundDispatchP99Ms: ps.map((p) => p.dispatchP99Ms),
      postP99Ms: round(percentile(post, 99), 2),
      launchCores: round(mean(ps.map((p) => p.backendCores)), 3),
      idleMachineCores: round(i?.usage.machineCores ?? Number.NaN, 2),
      launchMachineCores: round(mean(ps.map((p) => p.machineCores)), 2),
    };
  });
}

/**
 * Fan-in as the fleet grows: 100, 500 and 2,000 simulated agents on the real protocol, each
 * heartbeating every 5 s. At each step the backend's CPU and RSS while they only heartbeat, then
 * the latency of command dispatch (from sending POST /sessions to the chosen agent receiving the
 * `command` frame) over launches at 12 a second. With BENCH_BASELINE_ENTRY another build runs
 * beside this one: their heartbeat windows overlap, and their launch rounds alternate.
 */
export async function benchFanin(): Promise<Record<string, unknown>> {
  const builds: Build[] = buildsToCompare();
  const fleets: FaninFleet[] = [];
  try {
    for (const b of builds) fleets.push(await FaninFleet.start(b, HEARTBEAT_SECONDS));
    const rows: Row[] = [];
    let launched = 0;
    for (const agents of STEPS) {
      rows.push(...(await step(fleets, agents, launched)));
      launched += ROUNDS * LAUNCHES_PER_ROUND;
      console.log(`${agents} agents measured`);
    }
    const invalid = fleets.reduce((n, f) => n + f.invalidFrames, 0);
    if (invalid > 0) throw new Error(`the backend sent ${invalid} frames the protocol refuses`);
    const base = (r: Row) => rows.find((b) => b.build === 'baseline' && b.agents === r.agents);
    console.log(
      `\nFan-in on PGlite, heartbeats every ${HEARTBEAT_SECONDS} s, launches at ${LAUNCHES_PER_SECOND}/s in ${ROUNDS} alternating rounds (machine: ${cpus().length} cores)`,
    );
    console.log(
      table(
        rows.map((r) => ({
          agents: r.agents,
          build: r.build,
          'idle CPU cores': r.idleCores,
          'vs baseline': ratio(r.idleCores, base(r)?.idleCores),
          'RSS / peak MB': `${r.idleRssMb} / ${r.idlePeakRssMb}`,
          'beats/s': r.heartbeatsPerSecond,
          sessions: r.sessionsBefore,
          'dispatch p50 / p99 ms': `${r.dispatchP50Ms} / ${r.dispatchP99Ms}`,
          'p99 per round': r.roundDispatchP99Ms.join(' / '),
          'p99 vs baseline': ratio(r.dispatchP99Ms, base(r)?.dispatchP99Ms),
          'POST p99 ms': r.postP99Ms,
          'launch CPU cores': r.launchCores,
          'machine cores idle / launch': `${r.idleMachineCores} / ${r.launchMachineCores}`,
          target:
            r.agents === TARGET_AGENTS && r.build === 'this build'
              ? `p99 < ${TARGET_DISPATCH_P99_MS}: ${r.dispatchP99Ms < TARGET_DISPATCH_P99_MS ? 'met' : 'NOT met'}`
              : '',
        })),
      ),
    );
    return {
      database: 'pglite',
      heartbeatSeconds: HEARTBEAT_SECONDS,
      launchesPerSecond: LAUNCHES_PER_SECOND,
      launchesPerRound: LAUNCHES_PER_ROUND,
      rounds: ROUNDS,
      machineCores: cpus().length,
      target: { dispatchP99Ms: TARGET_DISPATCH_P99_MS, atAgents: TARGET_AGENTS },
      builds,
      rows,
    };
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
  }
}
