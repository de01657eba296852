import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SocketCounters {
  /** local address:port → remote address:port; stable for the socket's life. */
  key: string;
  inode: number;
  /** Bytes the process has read from the socket: received by TCP minus what still waits in Recv-Q. */
  read: number;
  /** Bytes the process has written to it: acknowledged by the peer plus what still waits in Send-Q. */
  written: number;
}

const num = (text: string, name: string) => Number(new RegExp(`\\b${name}:(\\d+)`).exec(text)?.[1] ?? 0);

/**
 * Established TCP sockets with one end on one of `ports`, with the kernel's byte counters
 * (`ss -tie`). The kernel filters, so the dump is small and its counters close together in time.
 */
export async function socketCounters(ports: readonly number[]): Promise<SocketCounters[]> {
  const filter = ports.flatMap((p, i) => [
    ...(i > 0 ? ['or'] : []),
    'sport',
    '=',
    `:${p}`,
    'or',
    'dport',
    '=',
    `:${p}`,
  ]);
  const { stdout } = await run('ss', ['-tieH', 'state', 'established', '(', ...filter, ')'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.split('\n');
  const out: SocketCounters[] = [];
  for (let i = 0; i < lines.length; i++) {
    // With a state filter ss leaves the state column out: Recv-Q Send-Q local remote ino:N …
    const m = /^(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s.*\bino:(\d+)/.exec(lines[i] ?? '');
    if (!m) continue;
    const info = lines[i + 1] ?? '';
    out.push({
      key: `${m[3]}>${m[4]}`,
      inode: Number(m[5]),
      read: num(info, 'bytes_received') - Number(m[1]),
      written: num(info, 'bytes_acked') + Number(m[2]),
    });
  }
  return out;
}

/** The socket inodes a process has open, from its file descriptors. */
export function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // Closed while we looked.
    }
  }
  return inodes;
}

/**
 * Bytes a process holds in its own memory on the way through: everything it read from its sockets
 * minus everything it wrote to them, over the sockets that were not open at `baseline` (so
 * control connections and HTTP keep-alives, with their unrelated histories, do not count). For a
 * relay that changes nothing but framing, this is its user-space buffering, give or take the
 * WebSocket headers.
 */
export function heldBytes(
  sockets: readonly SocketCounters[],
  inodes: ReadonlySet<number>,
  baseline: ReadonlySet<string>,
): number {
  let held = 0;
  for (const s of sockets) {
    if (!inodes.has(s.inode) || baseline.has(s.key)) continue;
    held += s.read - s.written;
  }
  return held;
}
