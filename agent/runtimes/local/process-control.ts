import { setTimeout as sleep } from 'node:timers/promises';
import {
  isGone,
  type ProcessRef,
  type ProcStat,
  readProcessTable,
  readProcStat,
  selectSessionProcesses,
  statIfAlive,
} from './proc';

/** A process this runtime started: spawned detached, so it leads its own group. */
export interface GroupLeader extends ProcessRef {
  pgid: number;
}

function trySignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone, which is what we want anyway.
  }
}

/** The session's processes right now, as refs so a later signal can't hit a reused pid. */
export async function sessionProcesses(leaders: readonly GroupLeader[]): Promise<ProcessRef[]> {
  const table = await readProcessTable();
  const selected = new Set(selectSessionProcesses(table, leaders, [process.pid]));
  return table.filter((p) => selected.has(p.pid)).map((p) => ({ pid: p.pid, startTime: p.startTime }));
}

async function signalRefs(refs: readonly ProcessRef[], signal: NodeJS.Signals): Promise<void> {
  for (const ref of refs) {
    if ((await statIfAlive(ref)) !== null) trySignal(ref.pid, signal);
  }
}

/**
 * Signals both process groups, then every other process of the session one by one: groups catch
 * children that fork meanwhile, the walk catches those that left the group.
 */
export async function signalSession(leaders: readonly GroupLeader[], signal: NodeJS.Signals): Promise<void> {
  for (const leader of leaders) {
    if ((await statIfAlive(leader)) !== null) trySignal(-leader.pgid, signal);
  }
  await signalRefs(await sessionProcesses(leaders), signal);
}

export async function waitUntilGone(
  refs: readonly ProcessRef[],
  timeoutMs: number,
  intervalMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = await Promise.all(refs.map((ref) => statIfAlive(ref)));
    if (alive.every((stat) => stat === null)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * SIGTERM, then SIGCONT so that stopped (hibernated) processes get to act on it, then SIGKILL
 * after the grace period. Resolves true once every process of the session is gone.
 */
export async function terminateSession(leaders: readonly GroupLeader[], graceMs: number): Promise<boolean> {
  const initial = await sessionProcesses(leaders);
  const all = [...leaders, ...initial];
  await signalSession(leaders, 'SIGTERM');
  await signalSession(leaders, 'SIGCONT');
  if (await waitUntilGone(all, graceMs)) return true;
  const late = await sessionProcesses(leaders);
  await signalSession(leaders, 'SIGKILL');
  // Processes seen at first may have left both groups and lost their parent since.
  await signalRefs(all, 'SIGKILL');
  return waitUntilGone([...all, ...late], 2_000);
}

/** Polls a process's /proc state until `accept` likes it, e.g. 'T' after SIGSTOP. */
export async function waitForState(
  ref: ProcessRef,
  accept: (stat: ProcStat) => boolean,
  timeoutMs: number,
): Promise<ProcStat | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = await readProcStat(ref.pid);
    if (isGone(stat) || stat!.startTime !== ref.startTime) return null;
    if (accept(stat!)) return stat;
    if (Date.now() >= deadline) return null;
    await sleep(10);
  }
}
