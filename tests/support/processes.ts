import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Command lines of the processes running now, from /proc: the ground truth for "nothing left behind". */
export function processCommandLines(): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!raw) continue;
      out.push({ pid: Number(entry), argv: raw.split('\0').filter(Boolean) });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export function xvncFor(sessionName: string): number[] {
  return processCommandLines()
    .filter((p) => /(^|\/)Xvnc$/.test(p.argv[0] ?? '') && p.argv.includes(sessionName))
    .map((p) => p.pid);
}

/** What a child has written so far, stdout and stderr together in the order it arrived. */
export function collectOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}
