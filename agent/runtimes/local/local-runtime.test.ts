import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSpec } from '../../../protocol';
import type { RuntimeStatusEvent } from '../../runtime';
import { ByteReader, readGreeting, vncAuthHandshake } from '../../testing/rfb-client';
import { sessionSpec } from '../../testing/session-spec';
import { killProcessesMentioning, processesMentioning } from '../../testing/strays';
import { holdsSockets, tcpListenersOf } from '../../testing/tcp-listeners';
import { sessionPaths } from './layout';
import { LocalRuntime, type LocalRuntimeOptions } from './local-runtime';
import { readProcStat } from './proc';
import { readStateFile } from './state-file';

const run = promisify(execFile);
const logger = pino({ level: 'silent' });
const PASSWORD = 'pa55word';

function spec(name: string, command: string[], overrides: Partial<SessionSpec> = {}): SessionSpec {
  // {home} in argv puts the state dir on the app's command line, where test cleanup finds it.
  return sessionSpec(name, {
    template: 'xclock',
    vncPassword: PASSWORD,
    local: { command, env: {} },
    ...overrides,
  });
}

const xclock = () => ['xclock', '-title', '{home}'];

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('LocalRuntime (real Xvnc)', () => {
  let stateDir: string;
  let runtimes: LocalRuntime[];
  let events: RuntimeStatusEvent[];

  function runtime(options: Partial<LocalRuntimeOptions> = {}): LocalRuntime {
    const created = new LocalRuntime({
      stateDir,
      logger,
      stopGraceMs: 2_000,
      pollIntervalMs: 200,
      startTimeoutMs: 15_000,
      env: { ...process.env, STREAMSPACE_AGENT_TOKEN: 'agent-secret' },
      ...options,
    });
    created.onStatus((event) => events.push(event));
    runtimes.push(created);
    return created;
  }

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ss-local-'));
    runtimes = [];
    events = [];
  });

  afterEach(async () => {
    for (const r of runtimes) await r.close();
    await killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('runs a session behind VncAuth on its private socket, hibernates, wakes and stops it', async () => {
    const local = runtime();
    const name = 'alice-xclock-0000aaaa';
    expect(await local.start(spec(name, xclock()))).toBe('running');
    const paths = sessionPaths(stateDir, name);
    const read = await readStateFile(paths.stateFile);
    if (!read.ok) throw new Error(read.message);
    const { display, xvnc, app } = read.data;
    expect(display).not.toBeNull();
    expect(app).not.toBeNull();

    // No TCP listener at all, not even on loopback: RFB is on the 0600 socket in the 0700 dir.
    expect(await holdsSockets(xvnc.pid)).toBe(true);
    expect(await tcpListenersOf([xvnc.pid, app!.pid])).toEqual([]);
    expect((await stat(paths.vncSocket)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
    // Only VncAuth, and the right password gets in while a wrong one does not.
    const stream = await local.openStream(name);
    const greeting = await readGreeting(new ByteReader(stream));
    stream.destroy();
    expect(greeting).toEqual({ version: 'RFB 003.008', securityTypes: [2] });
    const socket = { path: paths.vncSocket };
    expect(await vncAuthHandshake(socket, PASSWORD)).toEqual({ kind: 'ok', width: 1280, height: 800, name });
    expect((await vncAuthHandshake(socket, 'wrong123')).kind).toBe('refused');
    expect((await stat(paths.passwordFile)).mode & 0o777).toBe(0o600);

    // The app is on the session's display, which only the session's cookie opens.
    const xauthority = paths.xauthorityFile;
    const tree = await waitFor(async () => {
      const { stdout } = await run('xwininfo', ['-root', '-tree', '-display', `:${display}`], {
        env: { PATH: process.env.PATH, XAUTHORITY: xauthority },
      });
      return stdout.includes(paths.scratchHome) && stdout;
    });
    expect(tree).toContain(paths.scratchHome);
    await expect(
      run('xwininfo', ['-root', '-display', `:${display}`], {
        env: { PATH: process.env.PATH, XAUTHORITY: '/none' },
      }),
    ).rejects.toThrow();

    // Idempotent: a second start changes nothing.
    expect(await local.start(spec(name, xclock()))).toBe('running');
    const again = await readStateFile(paths.stateFile);
    expect(again.ok && again.data.xvnc.pid).toBe(xvnc.pid);
    expect(await local.list()).toEqual([{ name, state: 'running' }]);

    expect(await local.hibernate(name)).toBe('hibernated');
    expect((await readProcStat(xvnc.pid))?.state).toBe('T');
    expect((await readProcStat(app!.pid))?.state).toBe('T');
    expect(await local.hibernate(name)).toBe('hibernated');
    expect(await local.status(name)).toBe('hibernated');
    await expect(local.openStream(name)).rejects.toMatchObject({ code: 'invalid_state' });

    expect(await local.wake(name)).toBe('running');
    expect((await readProcStat(xvnc.pid))?.state).not.toBe('T');
    expect(await local.wake(name)).toBe('running');

    // Stop from hibernation: the stopped processes must still go.
    await local.hibernate(name);
    expect(await local.stop(name)).toBe('terminated');
    expect(await processesMentioning(paths.passwordFile)).toEqual([]);
    expect(await processesMentioning(stateDir)).toEqual([]);
    expect(await readProcStat(xvnc.pid).then((s) => s === null || s.state === 'Z')).toBe(true);
    await expect(stat(paths.dir)).rejects.toThrow(/ENOENT/);
    expect(await local.stop(name)).toBe('terminated');
    expect(await local.status(name)).toBeNull();
    expect(await local.list()).toEqual([]);

    expect(events.filter((e) => e.name === name).map((e) => e.state)).toEqual([
      'starting',
      'running',
      'hibernated',
      'running',
      'hibernated',
      'terminated',
    ]);
  });

  it('gives the app its display and a scratch HOME, without the agent token', async () => {
    const local = runtime();
    const name = 'alice-env-0000bbbb';
    const command = ['sh', '-c', 'env > "$1/env.txt"; exec xclock -title "$1"', 'sh', '{home}'];
    await local.start(spec(name, command, { local: { command, env: { GREETING: 'hi' } } }));
    const paths = sessionPaths(stateDir, name);
    const env = await waitFor(() => readFile(join(paths.scratchHome, 'env.txt'), 'utf8').catch(() => ''));
    expect(env).toMatch(/^DISPLAY=:\d+$/m);
    expect(env).toContain(`HOME=${paths.scratchHome}`);
    expect(env).toContain(`XAUTHORITY=${paths.xauthorityFile}`);
    expect(env).toContain('GREETING=hi');
    expect(env).not.toContain('agent-secret');
    await local.stop(name);
  });

  it('lets a new agent adopt, hibernate, wake, stream and stop a session it did not start', async () => {
    const first = runtime();
    const name = 'alice-xclock-0000cccc';
    await first.start(spec(name, xclock()));
    await first.close();

    const second = runtime();
    expect(await second.list()).toEqual([{ name, state: 'running' }]);
    const stream = await second.openStream(name);
    expect((await new ByteReader(stream).read(12)).toString()).toBe('RFB 003.008\n');
    stream.destroy();
    expect(await second.hibernate(name)).toBe('hibernated');
    const third = runtime();
    expect(await third.list()).toEqual([{ name, state: 'hibernated' }]);
    await third.close();
    expect(await second.wake(name)).toBe('running');
    expect(await second.stop(name)).toBe('terminated');
    expect(await processesMentioning(stateDir)).toEqual([]);
    await expect(stat(sessionPaths(stateDir, name).dir)).rejects.toThrow(/ENOENT/);
  });

  it('cleans up sessions that died while no agent watched', async () => {
    const first = runtime();
    const name = 'alice-xclock-0000dddd';
    await first.start(spec(name, xclock()));
    await first.close();
    await killProcessesMentioning(stateDir);
    await waitFor(async () => (await processesMentioning(stateDir)).length === 0);

    const second = runtime();
    expect(await second.list()).toEqual([]);
    await expect(stat(sessionPaths(stateDir, name).dir)).rejects.toThrow(/ENOENT/);
  });

  it('reports failed when the app exits by itself, and takes Xvnc down with it', async () => {
    const local = runtime();
    const name = 'alice-short-0000eeee';
    await local.start(spec(name, ['sh', '-c', 'sleep 1; echo bye from app >&2; exit 3', '{home}']));
    const failed = await waitFor(async () => events.find((e) => e.name === name && e.state === 'failed'));
    expect(failed.message).toContain('the app exited with code 3');
    expect(failed.message).toContain('bye from app');
    await waitFor(async () => (await processesMentioning(stateDir)).length === 0);
    expect(await local.status(name)).toBeNull();
    expect(await local.stop(name)).toBe('terminated');
  });

  it('ends the session as terminated when the app quits with code 0, also while it starts', async () => {
    const local = runtime();
    const name = 'alice-quits-0000e0e0';
    const paths = sessionPaths(stateDir, name);
    expect(await local.start(spec(name, ['sh', '-c', 'sleep 1; exit 0', '{home}']))).toBe('running');
    const ended = await waitFor(async () =>
      events.find((e) => e.name === name && e.state !== 'running' && e.state !== 'starting'),
    );
    expect(ended).toEqual({ name, state: 'terminated', message: 'the app quit' });
    await waitFor(async () => (await processesMentioning(stateDir)).length === 0);
    await expect(stat(paths.dir)).rejects.toThrow(/ENOENT/);
    expect(await local.status(name)).toBeNull();

    // Done before its display answered: the start itself says terminated, and nothing is left.
    const quick = 'alice-quits-0000e0e1';
    expect(await local.start(spec(quick, ['sh', '-c', 'exit 0', '{home}']))).toMatch(
      /^(terminated|running)$/,
    );
    await waitFor(async () => events.some((e) => e.name === quick && e.state === 'terminated'));
    expect(events.filter((e) => e.name === quick).map((e) => e.state)).not.toContain('failed');
    await waitFor(async () => (await processesMentioning(stateDir)).length === 0);
    expect(await local.list()).toEqual([]);
  });

  it('runs the window manager before the app and ends it with the session', async () => {
    const local = runtime();
    const name = 'alice-xclock-0000abab';
    await local.start(spec(name, xclock()));
    const read = await readStateFile(sessionPaths(stateDir, name).stateFile);
    if (!read.ok) throw new Error(read.message);
    const wm = read.data.wm;
    expect(wm).toBeTruthy();
    expect((await readFile(`/proc/${wm!.pid}/cmdline`, 'utf8')).split('\0')[0]).toBe(
      'matchbox-window-manager',
    );
    expect(await local.hibernate(name)).toBe('hibernated');
    expect((await readProcStat(wm!.pid))?.state).toBe('T');
    expect(await local.stop(name)).toBe('terminated');
    expect(await readProcStat(wm!.pid).then((s) => s === null || s.state === 'Z')).toBe(true);
  });

  it('runs the app without a window manager when none is installed, or the template has its own', async () => {
    const lines: string[] = [];
    const local = runtime({
      windowManagerPath: '/nonexistent/matchbox-window-manager',
      logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
    });
    const name = 'alice-xclock-0000acac';
    expect(await local.start(spec(name, xclock()))).toBe('running');
    const read = await readStateFile(sessionPaths(stateDir, name).stateFile);
    expect(read.ok && read.data.wm).toBeFalsy();
    expect(lines.join('\n')).toMatch(/no window manager.*install matchbox-window-manager/);
    await local.stop(name);

    const own = 'alice-desktop-0000adad';
    const command = xclock();
    const withWm = runtime();
    expect(
      await withWm.start(spec(own, command, { local: { command, env: {}, windowManager: false } })),
    ).toBe('running');
    const desktop = await readStateFile(sessionPaths(stateDir, own).stateFile);
    expect(desktop.ok && desktop.data.wm).toBeFalsy();
    await withWm.stop(own);
  });

  it('reports failed when Xvnc dies, and stops the app', async () => {
    const local = runtime();
    const name = 'alice-xclock-0000ffff';
    await local.start(spec(name, xclock()));
    const read = await readStateFile(sessionPaths(stateDir, name).stateFile);
    if (!read.ok) throw new Error(read.message);
    process.kill(read.data.xvnc.pid, 'SIGKILL');
    const failed = await waitFor(async () => events.find((e) => e.name === name && e.state === 'failed'));
    expect(failed.message).toContain('Xvnc was killed by SIGKILL');
    await waitFor(async () => (await processesMentioning(stateDir)).length === 0);
    expect(await local.list()).toEqual([]);
  });

  it('fails a start cleanly: unknown command, no local section, unknown session, timeout', async () => {
    const local = runtime({ startTimeoutMs: 4_000 });
    await expect(local.start(spec('alice-bad-00001111', ['/nonexistent/app']))).rejects.toMatchObject({
      code: 'start_failed',
      message: expect.stringContaining('ENOENT'),
    });
    const { local: _omitted, ...withoutLocal } = spec('alice-bad-00002222', xclock());
    await expect(local.start(withoutLocal)).rejects.toMatchObject({ code: 'unsupported' });
    await expect(local.hibernate('alice-none-00003333')).rejects.toMatchObject({ code: 'not_found' });
    await expect(local.stop('../etc')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await processesMentioning(stateDir)).toEqual([]);
    expect(events.find((e) => e.name === 'alice-bad-00001111' && e.state === 'failed')).toBeDefined();

    // An X server that never gets ready: the start gives up and kills it.
    const hanging = join(stateDir, 'hanging-xvnc');
    await writeFile(hanging, '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const slow = runtime({ xvncPath: hanging, startTimeoutMs: 800 });
    await expect(slow.start(spec('alice-slow-00005555', xclock()))).rejects.toMatchObject({
      code: 'start_failed',
      message: expect.stringContaining('did not start within 800 ms'),
    });
    expect(await processesMentioning(hanging)).toEqual([]);
  });

  it('stops a session that is still starting, whatever phase it is in', async () => {
    const local = runtime();
    for (const [index, delayMs] of [0, 30, 150, 400].entries()) {
      const name = `alice-xclock-0000444${index}`;
      const starting = local.start(spec(name, xclock())).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      expect(await local.stop(name)).toBe('terminated');
      const outcome = await starting;
      // Either the stop cut the start short, or the start had won and the stop ended the session.
      if (outcome !== 'running') expect(outcome).toMatchObject({ code: 'start_failed' });
      expect(await processesMentioning(stateDir)).toEqual([]);
      expect(await local.list()).toEqual([]);
      expect(await local.status(name)).toBeNull();
      const states = events.filter((e) => e.name === name).map((e) => e.state);
      expect(states[0]).toBe('starting');
      expect(states.at(-1)).toBe('terminated');
      expect(states).not.toContain('failed');
    }
  });
});
