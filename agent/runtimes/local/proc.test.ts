import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  isGone,
  isSessionXvnc,
  type ProcStat,
  parseCmdline,
  parseProcStat,
  readCmdline,
  readProcessTable,
  readProcStat,
  selectSessionProcesses,
  statIfAlive,
} from './proc';

const sample =
  '4242 (Xvnc (odd) name) T 4000 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 3133440 355 18446744073709551615';

describe('parseProcStat', () => {
  it('reads state, parents and start time even with parentheses in comm', () => {
    expect(parseProcStat(sample)).toEqual({
      pid: 4242,
      comm: 'Xvnc (odd) name',
      state: 'T',
      ppid: 4000,
      pgrp: 4242,
      session: 4242,
      startTime: 987654,
    });
  });

  it('refuses truncated or garbled input', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 (x) S 1 2')).toBeNull();
    expect(parseProcStat('x (y) S a b c 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 1')).toBeNull();
  });

  it('parses this very process from /proc', async () => {
    const stat = await readProcStat(process.pid);
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.startTime).toBeGreaterThan(0);
    expect(isGone(stat)).toBe(false);
  });
});

describe('parseCmdline', () => {
  it('splits on NUL and drops the trailing terminator', () => {
    expect(parseCmdline('Xvnc\0-rfbauth\0/a b/passwd\0')).toEqual(['Xvnc', '-rfbauth', '/a b/passwd']);
    expect(parseCmdline('')).toEqual([]);
  });

  it('reads /proc/self', async () => {
    expect((await readCmdline(process.pid))?.[0]).toContain('node');
    expect(await readCmdline(2 ** 22 + 7)).toBeNull();
  });
});

describe('isSessionXvnc', () => {
  it('wants Xvnc with this session password file', () => {
    expect(isSessionXvnc(['/usr/bin/Xvnc', '-rfbauth', '/s/a/passwd'], '/s/a/passwd')).toBe(true);
    expect(isSessionXvnc(['/usr/bin/Xvnc', '-rfbauth', '/s/b/passwd'], '/s/a/passwd')).toBe(false);
    expect(isSessionXvnc(['/usr/bin/bash', '-rfbauth', '/s/a/passwd'], '/s/a/passwd')).toBe(false);
    expect(isSessionXvnc([], '/s/a/passwd')).toBe(false);
  });
});

function proc(pid: number, ppid: number, pgrp: number, session: number, startTime = 100): ProcStat {
  return { pid, comm: 'x', state: 'S', ppid, pgrp, session, startTime };
}

describe('selectSessionProcesses', () => {
  const table = [
    proc(1, 0, 1, 1, 1),
    proc(50, 1, 50, 50, 10), // the agent
    proc(100, 50, 100, 100), // Xvnc
    proc(200, 50, 200, 200), // xterm
    proc(201, 200, 201, 201), // its shell, on a session of its own
    proc(202, 201, 202, 201), // a job in that shell
    proc(300, 1, 200, 200, 150), // an orphan still in xterm's group
    proc(400, 1, 400, 400), // unrelated
    proc(500, 1, 100, 100, 5), // older than the root: the group number was reused
  ];

  it('takes group and session members and every descendant', () => {
    const roots = [
      { pid: 100, startTime: 100 },
      { pid: 200, startTime: 100 },
    ];
    expect(selectSessionProcesses(table, roots)).toEqual([100, 200, 201, 202, 300]);
  });

  it('never selects init or excluded pids', () => {
    expect(selectSessionProcesses(table, [{ pid: 1, startTime: 1 }], [50])).not.toContain(1);
    expect(selectSessionProcesses(table, [{ pid: 1, startTime: 1 }], [50])).not.toContain(50);
  });

  it('leaves alone a group whose leader pid was reused', () => {
    const reused = [proc(1, 0, 1, 1, 1), proc(200, 1, 200, 200, 900), proc(201, 200, 200, 200, 950)];
    // The recorded leader 200 started at 100; today's 200 started at 900 and is someone else.
    expect(selectSessionProcesses(reused, [{ pid: 200, startTime: 100 }])).toEqual([]);
  });

  it('still finds a dead root group members', () => {
    const withoutRoot = table.filter((p) => p.pid !== 200);
    expect(selectSessionProcesses(withoutRoot, [{ pid: 200, startTime: 100 }])).toEqual([300]);
  });
});

describe('statIfAlive', () => {
  it('knows a live child and forgets it once it exits, even as a zombie', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    const stat = await readProcStat(pid);
    const ref = { pid, startTime: stat!.startTime };
    expect(await statIfAlive(ref)).not.toBeNull();
    expect(await statIfAlive({ pid, startTime: ref.startTime + 1 })).toBeNull();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await statIfAlive(ref)).toBeNull();
  });

  it('lists processes including itself', async () => {
    const table = await readProcessTable();
    expect(table.some((p) => p.pid === process.pid)).toBe(true);
  });
});
