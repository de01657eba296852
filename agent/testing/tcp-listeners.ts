import { readdir, readFile, readlink } from 'node:fs/promises';

/** The inodes of the sockets a process holds open, from its /proc/<pid>/fd links. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}

/**
 * The TCP (v4 and v6) listening sockets owned by these processes, as `address:port` in the hex
 * /proc/net shows. Matched by socket inode, so a listener of any other process never counts.
 */
export async function tcpListenersOf(pids: readonly number[]): Promise<string[]> {
  const owned = new Set<string>();
  for (const pid of pids) for (const inode of await socketInodes(pid)) owned.add(inode);
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl, local_address, rem_address, st (0A is LISTEN), …, inode is the tenth.
      if (fields[3] === '0A' && owned.has(fields[9] ?? '')) found.push(fields[1] ?? '');
    }
  }
  return found;
}

/** Whether a process holds any socket at all, to show a check above had something to look at. */
export async function holdsSockets(pid: number): Promise<boolean> {
  return (await socketInodes(pid)).size > 0;
}
