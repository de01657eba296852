import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isStopped, readProcStat } from './proc';
import {
  type GroupLeader,
  sessionProcesses,
  signalSession,
  terminateSession,
  waitForState,
  waitUntilGone,
} from './process-control';

const spawned: ChildProcess[] = [];

/** A detached shell that starts a grandchild, like an app that forks helpers. */
async function leader(script: string): Promise<GroupLeader> {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  spawned.push(child);
  const pid = child.pid!;
  const stat = await readProcStat(pid);
  return { pid, pgid: pid, startTime: stat!.startTime };
}

async function waitForChildren(ref: GroupLeader, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await sessionProcesses([ref])).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(() => {
  for (const child of spawned.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }
});

describe('process control', () => {
  it('finds the leader and its children', async () => {
    const ref = await leader('sleep 30 & sleep 30 & wait');
    await waitForChildren(ref, 3);
    const pids = (await sessionProcesses([ref])).map((p) => p.pid);
    expect(pids).toContain(ref.pid);
    expect(pids.length).toBe(3);
  });

  it('stops and continues a whole session', async () => {
    const ref = await leader('sleep 30 & wait');
    await waitForChildren(ref, 2);
    await signalSession([ref], 'SIGSTOP');
    expect(await waitForState(ref, isStopped, 1000)).not.toBeNull();
    for (const p of await sessionProcesses([ref])) expect((await readProcStat(p.pid))?.state).toBe('T');
    await signalSession([ref], 'SIGCONT');
    expect(await waitForState(ref, (s) => !isStopped(s), 1000)).not.toBeNull();
  });

  it('terminates a hibernated session and everything it started', async () => {
    const ref = await leader('sleep 30 & wait');
    await waitForChildren(ref, 2);
    const all = await sessionProcesses([ref]);
    await signalSession([ref], 'SIGSTOP');
    expect(await terminateSession([ref], 1000)).toBe(true);
    expect(await waitUntilGone(all, 0)).toBe(true);
  });

  it('falls back to SIGKILL when SIGTERM is ignored', async () => {
    const ref = await leader("trap '' TERM; sleep 30 & wait; sleep 30");
    await waitForChildren(ref, 2);
    const started = Date.now();
    expect(await terminateSession([ref], 300)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
