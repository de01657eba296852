import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
export const TICKS_PER_SECOND = 100;

/**
 * utime + stime from the text of /proc/<pid>/stat. The command name may hold spaces and
 * parentheses, so fields are counted from the last ')'.
 */
export function parseStatTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the full line, utime 14 and stime 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unexpected /proc stat format');
  return utime + stime;
}

/** VmRSS in kB from the text of /proc/<pid>/status. */
export function parseRssKb(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m?.[1]) throw new Error('no VmRSS in /proc status');
  return Number(m[1]);
}

/** Busy and total ticks of all CPUs together from the text of /proc/stat (first line). */
export function parseMachineTicks(stat: string): { busy: number; total: number } {
  const line = stat.slice(0, stat.indexOf('\n'));
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!line.startsWith('cpu ') || fields.length < 8 || fields.some((n) => !Number.isFinite(n))) {
    throw new Error('unexpected /proc/stat format');
  }
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the fourth and fifth: the CPU had nothing to run.
  return { busy: total - (fields[3] as number) - (fields[4] as number), total };
}

const machineTicks = () => parseMachineTicks(readFileSync('/proc/stat', 'utf8'));

export const cpuTicks = (pid: number) => parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
export const rssMb = (pid: number) => parseRssKb(readFileSync(`/proc/${pid}/status`, 'utf8')) / 1024;

export interface ProcessUsage {
  seconds: number;
  /** The process's CPU time over the window, in cores (1 = one core busy throughout). */
  cores: number;
  rssMb: number;
  peakRssMb: number;
  /** Every process on the machine together, in cores: tells whether others competed for the CPU. */
  machineCores: number;
  /** The benchmark's own process (clients and simulated agents), in cores. */
  benchCores: number;
}

/**
 * CPU use of another process over a window, as a fraction of one core, plus its peak RSS, with
 * the whole machine's and this process's CPU for context.
 */
export class ProcessMeter {
  private startTicks = 0;
  private startMs = 0;
  private startMachine = { busy: 0, total: 0 };
  private startSelf = process.cpuUsage();
  private peakRss = 0;
  private sampler: NodeJS.Timeout | undefined;

  constructor(readonly pid: number) {}

  start(): void {
    this.startTicks = cpuTicks(this.pid);
    this.startMachine = machineTicks();
    this.startSelf = process.cpuUsage();
    this.startMs = performance.now();
    this.peakRss = rssMb(this.pid);
    this.sampler = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, rssMb(this.pid));
    }, 500);
  }

  stop(): ProcessUsage {
    if (this.sampler) clearInterval(this.sampler);
    const seconds = (performance.now() - this.startMs) / 1000;
    const cpuSeconds = (cpuTicks(this.pid) - this.startTicks) / TICKS_PER_SECOND;
    const machine = machineTicks();
    const self = process.cpuUsage(this.startSelf);
    const rss = rssMb(this.pid);
    return {
      seconds,
      cores: cpuSeconds / seconds,
      rssMb: rss,
      peakRssMb: Math.max(this.peakRss, rss),
      machineCores: (machine.busy - this.startMachine.busy) / TICKS_PER_SECOND / seconds,
      benchCores: (self.user + self.system) / 1e6 / seconds,
    };
  }
}
