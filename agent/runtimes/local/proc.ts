import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** The fields of /proc/<pid>/stat this runtime uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, T (stopped), t, Z (zombie), X … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks after boot; with the pid it identifies a process across pid reuse. */
  startTime: number;
}

/** A process as recorded in a state file: the pid alone could belong to someone else by now. */
export interface ProcessRef {
  pid: number;
  startTime: number;
}

export function parseProcStat(text: string): ProcStat | null {
  // comm may hold spaces and parentheses, so split around the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  if (rest.length < 20) return null;
  const [state, ppid, pgrp, session] = rest;
  const startTime = Number(rest[19]);
  const numbers = [pid, Number(ppid), Number(pgrp), Number(session), startTime];
  if (!state || numbers.some((n) => !Number.isSafeInteger(n))) return null;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid: Number(ppid),
    pgrp: Number(pgrp),
    session: Number(session),
    startTime,
  };
}

export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

export function isGone(stat: ProcStat | null): boolean {
  return stat === null || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}

export function isStopped(stat: ProcStat): boolean {
  return stat.state === 'T';
}

/** Whether argv is the Xvnc this session started, recognised by its own password file. */
export function isSessionXvnc(argv: readonly string[], passwordFile: string): boolean {
  const program = argv[0];
  if (program === undefined || basename(program) !== 'Xvnc') return false;
  const index = argv.indexOf('-rfbauth');
  return index >= 0 && argv[index + 1] === passwordFile;
}

/**
 * Every process that belongs to a session: the roots' process groups and sessions (they are
 * spawned detached, so each leads both), and their descendants, which catches children that
 * moved to a session of their own (xterm puts its shell on a new pty session).
 */
export function selectSessionProcesses(
  table: readonly ProcStat[],
  roots: readonly ProcessRef[],
  exclude: readonly number[] = [],
): number[] {
  const rootStart = new Map(roots.map((r) => [r.pid, r.startTime]));
  // The kernel hands out no pid still in use as a group or session id. So when a recorded root's
  // pid now names a different process, our group is gone and that number is someone else's.
  const reused = new Set(
    table.filter((p) => rootStart.has(p.pid) && rootStart.get(p.pid) !== p.startTime).map((p) => p.pid),
  );
  const inRootGroup = (id: number, p: ProcStat) => {
    const started = rootStart.get(id);
    // A member can't predate its leader either.
    return started !== undefined && !reused.has(id) && p.startTime >= started;
  };
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const selected = new Set<number>();
  for (const p of table) {
    if (inRootGroup(p.pgrp, p) || inRootGroup(p.session, p)) selected.add(p.pid);
  }
  // Descendants only of roots that are still the very processes recorded, not a reused pid.
  const queue = table.filter((p) => rootStart.get(p.pid) === p.startTime).map((p) => p.pid);
  const visited = new Set(queue);
  while (queue.length > 0) {
    const pid = queue.shift()!;
    selected.add(pid);
    for (const child of children.get(pid) ?? []) {
      if (!visited.has(child)) {
        visited.add(child);
        queue.push(child);
      }
    }
  }
  for (const pid of [1, ...exclude]) selected.delete(pid);
  return [...selected].sort((a, b) => a - b);
}

export async function readProcStat(pid: number, procRoot = '/proc'): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export async function readCmdline(pid: number, procRoot = '/proc'): Promise<string[] | null> {
  try {
    return parseCmdline(await readFile(`${procRoot}/${pid}/cmdline`, 'utf8'));
  } catch {
    return null;
  }
}

export async function readProcessTable(procRoot = '/proc'): Promise<ProcStat[]> {
  const entries = await readdir(procRoot);
  const stats = await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map((e) => readProcStat(Number(e), procRoot)),
  );
  return stats.filter((s): s is ProcStat => s !== null);
}

/** The process's stat if that very process (same pid and start time) still lives, else null. */
export async function statIfAlive(ref: ProcessRef, procRoot = '/proc'): Promise<ProcStat | null> {
  try {
    process.kill(ref.pid, 0);
  } catch {
    // ESRCH: gone. EPERM: another user's process, so not one we started either.
    return null;
  }
  const stat = await readProcStat(ref.pid, procRoot);
  if (isGone(stat) || stat!.startTime !== ref.startTime) return null;
  return stat;
}
