import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ProtocolAgent } from '../tests/support/protocol-agent';
import { signIn } from './lib/api';
import { startBackendProcess } from './lib/backend-process';
import { connectAgents, createAgents, createUsers } from './lib/fleet';
import { type LaunchPhase, launchPhase } from './lib/launch-phase';
import { ProcessMeter } from './lib/proc';
import { round, table } from './lib/stats';

const AGENTS = Number(process.env.BENCH_FANIN_AGENTS ?? 500);
/** The dispatch figure: launches spread out, so each meets the heartbeats rather than other launches. */
const STEADY_LAUNCHES = Number(process.env.BENCH_FANIN_LAUNCHES ?? 320);
const STEADY_PER_SECOND = 4;
/** Then a burst at three times that rate, to show where queueing starts. */
const STRESS_LAUNCHES = Number(process.env.BENCH_FANIN_STRESS_LAUNCHES ?? 240);
const STRESS_PER_SECOND = 12;
const IDLE_SECONDS = 20;
const HEARTBEAT_SECONDS = 5;
const LAUNCH_USERS = 20;
const PASSWORD = 'bench-admin-password';
const TARGET_DISPATCH_P99_MS = 20;
const TARGET_CORES = 0.5;

/** Other tenants of a shared machine show up here; tails measured while it was saturated mean little. */
const MACHINE = `machine CPU, every process (cores of ${cpus().length})`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fan-in: 500 simulated agents on the real protocol, heartbeating every 5 s. Measures the
 * backend's CPU and RSS while they only heartbeat, then the latency of command dispatch — from
 * sending POST /sessions to the chosen agent receiving the `command` frame — over launches at a
 * steady rate and then at a higher one, with the heartbeats still running.
 */
export async function benchFanin(): Promise<Record<string, unknown>> {
  const backend = await startBackendProcess({
    STREAMSPACE_ADMIN_PASSWORD: PASSWORD,
    STREAMSPACE_MAX_SESSIONS_PER_USER: '1000',
    STREAMSPACE_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
  });
  let agents: ProtocolAgent[] = [];
  try {
    const admin = await signIn(backend.url, 'admin', PASSWORD);
    const users = await createUsers(
      admin,
      Array.from({ length: LAUNCH_USERS }, (_, i) => `fanin-user-${i}`),
    );
    const creds = await createAgents(
      admin,
      Array.from({ length: AGENTS }, (_, i) => `fanin-agent-${String(i).padStart(3, '0')}`),
      10,
    );
    const received = new Map<string, { at: number; agentId: string }>();
    const connectStart = performance.now();
    agents = await connectAgents(backend.url, creds, {
      maxSessions: 10,
      onCommand: (command, at, agentId) => {
        if (command.action === 'start_session') received.set(command.session.name, { at, agentId });
      },
    });
    const connectSeconds = (performance.now() - connectStart) / 1000;
    console.log(`${agents.length} agents connected in ${round(connectSeconds, 1)} s`);
    // One full heartbeat round so every agent is in its steady state before measuring.
    await sleep(HEARTBEAT_SECONDS * 1000 + 500);

    const beats = () => agents.reduce((n, a) => n + a.heartbeatsSent, 0);
    const idleMeter = new ProcessMeter(backend.pid);
    const idleBeats = beats();
    idleMeter.start();
    await sleep(IDLE_SECONDS * 1000);
    const idle = idleMeter.stop();
    const heartbeatsPerSecond = (beats() - idleBeats) / idle.seconds;

    const steady = await launchPhase(backend.pid, users, received, STEADY_LAUNCHES, STEADY_PER_SECOND);
    const stress = await launchPhase(backend.pid, users, received, STRESS_LAUNCHES, STRESS_PER_SECOND);
    const invalid = agents.reduce((n, a) => n + a.invalidFrames, 0);
    if (invalid > 0) throw new Error(`the backend sent ${invalid} frames the protocol refuses`);

    const result = {
      database: 'pglite',
      agents: agents.length,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      connectSeconds: round(connectSeconds, 1),
      idle: {
        seconds: round(idle.seconds, 1),
        heartbeatsPerSecond: round(heartbeatsPerSecond, 1),
        backendCores: round(idle.cores, 3),
        backendRssMb: round(idle.rssMb, 0),
        backendPeakRssMb: round(idle.peakRssMb, 0),
        machineCores: round(idle.machineCores, 2),
      },
      steady,
      stress,
      targets: {
        dispatchP99Ms: TARGET_DISPATCH_P99_MS,
        cores: TARGET_CORES,
        appliesTo: 'dispatch: the steady launch phase; CPU: the heartbeat-only phase; the rest in brackets',
      },
    };
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const phaseRows = (p: LaunchPhase, target: boolean) => [
      {
        phase: `+ ${p.launchesPerSecond} launches/s (${p.seconds} s)`,
        figure: 'backend CPU (cores)',
        value: p.backendCores,
        target: `(< ${TARGET_CORES}: ${met(p.backendCores < TARGET_CORES)})`,
      },
      {
        phase: '',
        figure: 'backend RSS / peak (MB)',
        value: `${p.backendRssMb} / ${p.backendPeakRssMb}`,
        target: '',
      },
      {
        phase: '',
        figure: `dispatch p50 / p99 (ms), n=${p.launches} on ${p.distinctAgents} agents`,
        value: `${p.dispatchP50Ms} / ${p.dispatchP99Ms}`,
        target: target
          ? `p99 < ${TARGET_DISPATCH_P99_MS}: ${met(p.dispatchP99Ms < TARGET_DISPATCH_P99_MS)}`
          : `(p99 < ${TARGET_DISPATCH_P99_MS}: ${met(p.dispatchP99Ms < TARGET_DISPATCH_P99_MS)})`,
      },
      { phase: '', figure: 'dispatch max (ms)', value: p.dispatchMaxMs, target: '' },
      {
        phase: '',
        figure: 'POST answered p50 / p99 (ms)',
        value: `${p.postP50Ms} / ${p.postP99Ms}`,
        target: '',
      },
      { phase: '', figure: MACHINE, value: p.machineCores, target: '' },
    ];
    console.log(
      `\nFan-in: ${agents.length} simulated agents heartbeating every ${HEARTBEAT_SECONDS} s, control plane on PGlite`,
    );
    console.log(
      table([
        {
          phase: `heartbeats only (${result.idle.seconds} s)`,
          figure: 'backend CPU (cores)',
          value: result.idle.backendCores,
          target: `< ${TARGET_CORES}: ${met(idle.cores < TARGET_CORES)}`,
        },
        {
          phase: '',
          figure: 'backend RSS / peak (MB)',
          value: `${result.idle.backendRssMb} / ${result.idle.backendPeakRssMb}`,
          target: '',
        },
        { phase: '', figure: 'heartbeats handled / s', value: result.idle.heartbeatsPerSecond, target: '' },
        { phase: '', figure: MACHINE, value: result.idle.machineCores, target: '' },
        ...phaseRows(steady, true),
        ...phaseRows(stress, false),
      ]),
    );
    return result;
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await backend.stop();
  }
}
