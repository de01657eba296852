import { readFileSync } from 'node:fs';

/** Linux reports CPU times in clock ticks; 100 per second on every common configuration. */
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces; fields are counted after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * User plus system CPU seconds a process has used so far; with `children`, also those of the
 * children it has reaped (websockify forks one per connection).
 */
export function cpuSeconds(pid: number, children = false): number {
  const f = statFields(pid);
  // After the name: state is field 3, so utime (14) is index 11, stime 12, cutime 13, cstime 14.
  const own = Number(f[11]) + Number(f[12]);
  const reaped = children ? Number(f[13]) + Number(f[14]) : 0;
  return (own + reaped) / TICKS_PER_SECOND;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}
