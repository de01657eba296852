import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { type ObservedState, SessionName, SessionSpec } from '../../../protocol';
import { type Runtime, RuntimeError, type RuntimeSession, type RuntimeStatusListener } from '../../runtime';
import { StatusEmitter } from '../../status-emitter';
import { buildAppEnv, buildXvncEnv, expandHome } from './app-command';
import { exited, readDisplayNumber, spawned } from './child-io';
import { describeExit, readLogTail, withLog } from './diagnostics';
import { removeStaleDisplayFiles } from './display-files';
import { findFreePort } from './free-port';
import { persistentHomeDir, type SessionPaths, sessionPaths, sessionsRoot } from './layout';
import { isSessionXvnc, isStopped, readCmdline, readProcStat, statIfAlive } from './proc';
import { type GroupLeader, signalSession, terminateSession, waitForState } from './process-control';
import { waitForRfb } from './rfb-probe';
import { type LocalSessionFile, type RecordedProcess, readStateFile, writeStateFile } from './state-file';
import { writeVncPasswordFile } from './vnc-password';
import { writeXauthority } from './xauthority';
import { buildXvncArgs, isPortInUseFailure } from './xvnc-args';

export interface LocalRuntimeOptions {
  /** Holds one directory per session (state file, password, logs, scratch home); created 0700. */
  stateDir: string;
  logger: Logger;
  xvncPath?: string;
  vncpasswdPath?: string;
  /** From spawning Xvnc until its RFB port answers. */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on stop. */
  stopGraceMs?: number;
  /** How often sessions adopted from an earlier agent (no exit events for them) are checked. */
  pollIntervalMs?: number;
  geometry?: string;
  depth?: number;
  /** Environment the processes inherit a filtered part of; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

const DISPLAY_FD = 3;
const PORT_ATTEMPTS = 3;

interface Session {
  file: LocalSessionFile;
  readonly paths: SessionPaths;
  /** Set while we tear the session down, so its processes' exits are expected, not failures. */
  stopping: boolean;
  /** Aborts a start in progress: a process died, the start timed out, or stop was called. */
  readonly startAbort: AbortController;
  /** Only for sessions this agent started; adopted ones are not our children. */
  readonly children: Partial<Record<Part, ChildProcess>>;
  /** How each part exited, as the exit event told. */
  readonly exits: Partial<Record<Part, string>>;
}

type Part = 'xvnc' | 'app';
const PART_LABEL: Record<Part, string> = { xvnc: 'Xvnc', app: 'the app' };

/** Per session one TigerVNC Xvnc on a display it picks itself, and the template's command on it. */
export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;
  private readonly sessions = new Map<string, Session>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Starts in progress, so that status and list say 'starting' and stop can cut them short. */
  private readonly starting = new Map<string, { abort: AbortController; stopRequested: boolean }>();
  private readonly emitter: StatusEmitter;
  private readonly log: Logger;
  private loading: Promise<void> | null = null;
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.log = options.logger.child({ runtime: 'local' });
    this.emitter = new StatusEmitter((error) => this.log.error({ err: error }, 'status listener threw'));
  }

  onStatus(listener: RuntimeStatusListener): () => void {
    return this.emitter.subscribe(listener);
  }

  async start(spec: SessionSpec): Promise<ObservedState> {
    const parsed = SessionSpec.safeParse(spec);
    if (!parsed.success)
      throw new RuntimeError('invalid_request', `invalid session spec: ${parsed.error.message}`);
    if (!parsed.data.local) {
      throw new RuntimeError('unsupported', `template ${spec.template} has no local section`);
    }
    await this.ready();
    return this.withLock(spec.name, async (): Promise<ObservedState> => {
      const existing = this.sessions.get(spec.name);
      if (existing) {
        const state = await this.observe(existing);
        if (state !== null) return state;
        await this.discard(existing);
      }
      return this.launch(parsed.data);
    });
  }

  async stop(name: string): Promise<ObservedState> {
    this.checkName(name);
    await this.ready();
    const starting = this.starting.get(name);
    if (starting) {
      starting.stopRequested = true;
      starting.abort.abort(new Error('stopped while starting'));
    }
    return this.withLock(name, async (): Promise<ObservedState> => {
      const session = this.sessions.get(name);
      if (!session) {
        // Leftovers of a failed start or an earlier crash.
        await rm(sessionPaths(this.options.stateDir, name).dir, { recursive: true, force: true });
        // The start this stop cut short stayed silent, so that the last word is 'terminated'.
        if (starting) this.emit(name, 'terminated', 'stopped while starting');
        return 'terminated';
      }
      await this.teardown(session);
      this.emit(name, 'terminated', 'stopped');
      return 'terminated';
    });
  }

  async hibernate(name: string): Promise<ObservedState> {
    this.checkName(name);
    await this.ready();
    return this.withLock(name, async (): Promise<ObservedState> => {
      const session = await this.requireLive(name);
      if ((await this.observe(session)) === 'hibernated') return 'hibernated';
      await signalSession(this.leaders(session), 'SIGSTOP');
      if ((await waitForState(session.file.xvnc, isStopped, 2_000)) === null) {
        throw new RuntimeError('internal', `session ${name} did not stop`);
      }
      await this.saveState(session, 'hibernated');
      this.emit(name, 'hibernated', '');
      return 'hibernated';
    });
  }

  async wake(name: string): Promise<ObservedState> {
    this.checkName(name);
    await this.ready();
    return this.withLock(name, async (): Promise<ObservedState> => {
      const session = await this.requireLive(name);
      if ((await this.observe(session)) === 'running') return 'running';
      await signalSession(this.leaders(session), 'SIGCONT');
      if ((await waitForState(session.file.xvnc, (s) => !isStopped(s), 2_000)) === null) {
        throw new RuntimeError('internal', `session ${name} did not resume`);
      }
      await this.saveState(session, 'running');
      this.emit(name, 'running', '');
      return 'running';
    });
  }

  async status(name: string): Promise<ObservedState | null> {
    this.checkName(name);
    await this.ready();
    const session = this.sessions.get(name);
    if (session) return this.observe(session);
    return this.starting.has(name) ? 'starting' : null;
  }

  async list(): Promise<RuntimeSession[]> {
    await this.ready();
    const result: RuntimeSession[] = [];
    for (const name of this.starting.keys()) {
      if (!this.sessions.has(name)) result.push({ name, state: 'starting' });
    }
    for (const session of [...this.sessions.values()]) {
      const state = await this.observe(session);
      if (state !== null) result.push({ name: session.file.name, state });
    }
    return result;
  }

  async openStream(name: string): Promise<Socket> {
    this.checkName(name);
    await this.ready();
    const session = this.sessions.get(name);
    if (!session) throw new RuntimeError('not_found', `no session ${name}`);
    const state = await this.observe(session);
    if (state !== 'running') throw new RuntimeError('invalid_state', `session ${name} is ${state ?? 'gone'}`);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: session.file.port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(socket);
      });
      const onError = (error: Error) =>
        reject(new RuntimeError('stream_failed', `cannot reach ${name}'s VNC server: ${error.message}`));
      socket.once('error', onError);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.emitter.clear();
    for (const session of this.sessions.values()) {
      for (const child of Object.values(session.children)) child.removeAllListeners('exit');
    }
    await Promise.allSettled([...this.locks.values()]);
  }

  private async launch(spec: SessionSpec): Promise<ObservedState> {
    const local = spec.local!;
    const paths = sessionPaths(this.options.stateDir, spec.name);
    const home = spec.persistentHome
      ? persistentHomeDir(this.options.stateDir, spec.user)
      : paths.scratchHome;
    const startAbort = new AbortController();
    const attempt = { abort: startAbort, stopRequested: false };
    this.starting.set(spec.name, attempt);
    this.emit(spec.name, 'starting', '');
    const timeoutMs = this.options.startTimeoutMs ?? 20_000;
    const timer = setTimeout(
      () => startAbort.abort(new Error(`did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await rm(paths.dir, { recursive: true, force: true });
      await mkdir(paths.dir, { recursive: true, mode: 0o700 });
      await mkdir(home, { recursive: true, mode: 0o700 });
      await writeVncPasswordFile(paths.passwordFile, spec.vncPassword, this.options.vncpasswdPath);
      await writeXauthority(paths.xauthorityFile);
      startAbort.signal.throwIfAborted();
      const xvnc = await this.spawnXvnc(spec, paths, home, startAbort);
      const session = xvnc.session;
      startAbort.signal.throwIfAborted();

      const argv = expandHome(local.command, home);
      const env = buildAppEnv(
        this.options.env ?? process.env,
        { display: xvnc.display, home, xauthority: paths.xauthorityFile },
        local.env,
      );
      const app = this.spawnLogged(argv, paths.appLog, { cwd: home, env });
      session.children.app = app;
      this.watchExit(session, 'app');
      await spawned(app).catch((error: Error) => {
        throw new Error(`cannot run ${argv[0]}: ${error.message}`);
      });
      session.file.app = await recordProcess(app);
      await writeStateFile(paths.stateFile, session.file);

      await waitForRfb(session.file.port, { timeoutMs, signal: startAbort.signal });
      startAbort.signal.throwIfAborted();
      await this.saveState(session, 'running');
      this.log.info(
        { session: spec.name, display: xvnc.display, port: session.file.port },
        'session running',
      );
      this.emit(spec.name, 'running', '');
      return 'running';
    } catch (error) {
      const reason = startAbort.signal.aborted ? startAbort.signal.reason : error;
      const message = `start of ${spec.name} failed: ${reason instanceof Error ? reason.message : String(reason)}`;
      const live = this.sessions.get(spec.name);
      const session = live?.startAbort === startAbort ? live : null;
      const stopRequested = attempt.stopRequested;
      if (session) {
        await this.teardown(session).catch((teardownError: unknown) =>
          this.log.error({ err: teardownError, session: spec.name }, 'cleanup after a failed start failed'),
        );
      } else {
        await rm(paths.dir, { recursive: true, force: true });
      }
      this.log.warn({ session: spec.name, reason: message }, 'session did not start');
      // A stop that cut the start short reports 'terminated' itself.
      if (!stopRequested) this.emit(spec.name, 'failed', message);
      throw new RuntimeError('start_failed', message, { cause: error });
    } finally {
      clearTimeout(timer);
      if (this.starting.get(spec.name) === attempt) this.starting.delete(spec.name);
    }
  }

  /** Starts Xvnc on a fresh port, trying another when the port was taken between probe and bind. */
  private async spawnXvnc(
    spec: SessionSpec,
    paths: SessionPaths,
    home: string,
    startAbort: AbortController,
  ): Promise<{ session: Session; display: number }> {
    for (let attempt = 1; ; attempt++) {
      startAbort.signal.throwIfAborted();
      const port = await findFreePort();
      const args = buildXvncArgs({
        displayFd: DISPLAY_FD,
        port,
        passwordFile: paths.passwordFile,
        xauthorityFile: paths.xauthorityFile,
        desktopName: spec.name,
        geometry: this.options.geometry ?? '1280x800',
        depth: this.options.depth ?? 24,
      });
      const child = this.spawnLogged([this.options.xvncPath ?? 'Xvnc', ...args], paths.xvncLog, {
        cwd: paths.dir,
        env: buildXvncEnv(this.options.env ?? process.env),
        displayFd: true,
      });
      await spawned(child).catch((error: Error) => {
        throw new Error(`cannot run Xvnc: ${error.message}`);
      });
      const xvnc = await recordProcess(child);
      const session: Session = {
        file: {
          version: 1,
          name: spec.name,
          user: spec.user,
          template: spec.template,
          state: 'starting',
          display: null,
          port,
          xvnc,
          app: null,
          home,
          persistentHome: spec.persistentHome,
          createdAt: new Date().toISOString(),
        },
        paths,
        stopping: false,
        startAbort,
        children: { xvnc: child },
        exits: {},
      };
      this.sessions.set(spec.name, session);
      // Recorded before waiting, so an agent killed mid-start leaves enough behind to clean up.
      await writeStateFile(paths.stateFile, session.file);
      this.watchExit(session, 'xvnc');
      try {
        const display = await readDisplayNumber(child.stdio[DISPLAY_FD] as Readable, startAbort.signal);
        (child.stdio[DISPLAY_FD] as Readable).destroy();
        session.file.display = display;
        await writeStateFile(paths.stateFile, session.file);
        return { session, display };
      } catch (error) {
        (child.stdio[DISPLAY_FD] as Readable).destroy();
        await exited(child, 1_000);
        const log = await readLogTail(paths.xvncLog);
        if (!startAbort.signal.aborted && isPortInUseFailure(log) && attempt < PORT_ATTEMPTS) {
          this.log.info({ session: spec.name, port }, 'RFB port was taken, trying another');
          await this.teardown(session);
          await mkdir(paths.dir, { recursive: true, mode: 0o700 });
          await writeVncPasswordFile(paths.passwordFile, spec.vncPassword, this.options.vncpasswdPath);
          await writeXauthority(paths.xauthorityFile);
          continue;
        }
        throw new Error(withLog(error instanceof Error ? error.message : String(error), log), {
          cause: error,
        });
      }
    }
  }

  /** Spawns detached (its own process group, outliving the agent) with output into a 0600 log. */
  private spawnLogged(
    argv: readonly string[],
    logPath: string,
    options: { cwd: string; env: Record<string, string>; displayFd?: boolean },
  ): ChildProcess {
    // Synchronous on purpose: no await between spawn and the caller's listeners, so no event is missed.
    const log = openSync(logPath, 'a', 0o600);
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: options.displayFd ? ['ignore', log, log, 'pipe'] : ['ignore', log, log],
      });
      child.unref();
      return child;
    } finally {
      closeSync(log);
    }
  }

  private watchExit(session: Session, part: Part): void {
    const child = session.children[part]!;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const reason = `${PART_LABEL[part]} ${describeExit(code, signal)}`;
      session.exits[part] = reason;
      if (session.stopping || this.closed) return;
      if (session.file.state === 'starting') {
        session.startAbort.abort(new Error(reason));
        return;
      }
      void this.fail(session, part);
    };
    // It may have exited while we were writing the state file.
    if (child.exitCode !== null || child.signalCode !== null) {
      queueMicrotask(() => onExit(child.exitCode, child.signalCode));
    } else {
      child.once('exit', onExit);
    }
  }

  /** A session whose app or X server died on its own: clean up the rest and say so. */
  private fail(session: Session, noticed: Part): Promise<void> {
    const name = session.file.name;
    return this.withLock(name, async () => {
      if (this.sessions.get(name) !== session || session.stopping) return;
      // An app dies with its X server; then the X server is the cause worth reporting.
      const part = (await statIfAlive(session.file.xvnc)) === null ? 'xvnc' : noticed;
      const child = session.children[part];
      if (child && !session.exits[part]) await exited(child, 500);
      const reason = session.exits[part] ?? `${PART_LABEL[part]} is gone`;
      const logPath = part === 'xvnc' ? session.paths.xvncLog : session.paths.appLog;
      const message = withLog(reason, await readLogTail(logPath));
      this.log.warn({ session: name, reason }, 'session failed');
      try {
        await this.teardown(session);
      } catch (error) {
        this.log.error({ err: error, session: name }, 'cleanup of a failed session failed');
      }
      this.emit(name, 'failed', message);
    });
  }

  /** Kills every process of the session, waits until they are gone, removes its files. */
  private async teardown(session: Session): Promise<void> {
    session.stopping = true;
    const leaders = this.leaders(session);
    const gone = await terminateSession(leaders, this.options.stopGraceMs ?? 3_000);
    if (!gone) {
      throw new RuntimeError('stop_failed', `processes of ${session.file.name} survived SIGKILL`);
    }
    if (session.file.display !== null) {
      await removeStaleDisplayFiles(session.file.display, session.file.xvnc.pid).catch(() => {});
    }
    await rm(session.paths.dir, { recursive: true, force: true });
    if (this.sessions.get(session.file.name) === session) this.sessions.delete(session.file.name);
  }

  /** Drops a session found dead, without a status event (the caller reports what it does next). */
  private async discard(session: Session): Promise<void> {
    await this.teardown(session).catch((error: unknown) =>
      this.log.error({ err: error, session: session.file.name }, 'cleanup of a dead session failed'),
    );
  }

  /** The session's state as /proc shows it, or null (and a failure in the background) if it died. */
  private async observe(session: Session): Promise<ObservedState | null> {
    if (session.stopping) return null;
    if (session.file.state === 'starting') return 'starting';
    const xvnc = await statIfAlive(session.file.xvnc);
    const app = session.file.app ? await statIfAlive(session.file.app) : null;
    if (xvnc === null || app === null) {
      void this.fail(session, xvnc === null ? 'xvnc' : 'app');
      return null;
    }
    return isStopped(xvnc) ? 'hibernated' : 'running';
  }

  private async requireLive(name: string): Promise<Session> {
    const session = this.sessions.get(name);
    if (!session || (await this.observe(session)) === null) {
      throw new RuntimeError('not_found', `no session ${name}`);
    }
    return session;
  }

  private leaders(session: Session): GroupLeader[] {
    const leaders: RecordedProcess[] = [session.file.xvnc];
    if (session.file.app) leaders.push(session.file.app);
    return leaders;
  }

  private async saveState(session: Session, state: LocalSessionFile['state']): Promise<void> {
    session.file = { ...session.file, state };
    await writeStateFile(session.paths.stateFile, session.file);
  }

  private emit(name: string, state: ObservedState, message: string): void {
    if (!this.closed) this.emitter.emit({ name, state, message });
  }

  private checkName(name: string): void {
    if (!SessionName.safeParse(name).success)
      throw new RuntimeError('invalid_request', 'invalid session name');
  }

  private withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new RuntimeError('internal', 'the local runtime is closed'));
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return run;
  }

  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new RuntimeError('internal', 'the local runtime is closed'));
    this.loading ??= this.adopt();
    return this.loading;
  }

  /** Takes over sessions an earlier agent left running; cleans up those that died meanwhile. */
  private async adopt(): Promise<void> {
    const root = sessionsRoot(this.options.stateDir);
    await mkdir(root, { recursive: true, mode: 0o700 });
    for (const entry of await readdir(root)) {
      if (!SessionName.safeParse(entry).success) continue;
      const paths = sessionPaths(this.options.stateDir, entry);
      const read = await readStateFile(paths.stateFile);
      if (!read.ok || read.data.name !== entry) {
        this.log.warn(
          { session: entry, reason: read.ok ? 'name mismatch' : read.message },
          'dropping unreadable session',
        );
        await rm(paths.dir, { recursive: true, force: true });
        continue;
      }
      const session: Session = {
        file: read.data,
        paths,
        stopping: false,
        startAbort: new AbortController(),
        children: {},
        exits: {},
      };
      if (await this.isIntact(session)) {
        this.sessions.set(entry, session);
        this.log.info({ session: entry, state: read.data.state }, 'adopted session');
      } else {
        this.log.info({ session: entry }, 'cleaning up a session that died while no agent watched it');
        await this.discard(session);
      }
    }
    this.poller = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 1_000);
    this.poller.unref();
  }

  private async isIntact(session: Session): Promise<boolean> {
    const { file, paths } = session;
    if (file.state === 'starting' || file.app === null) return false;
    const xvnc = await statIfAlive(file.xvnc);
    const argv = xvnc ? await readCmdline(file.xvnc.pid) : null;
    if (!argv || !isSessionXvnc(argv, paths.passwordFile)) return false;
    return (await statIfAlive(file.app)) !== null;
  }

  /** Catches deaths no exit event reports: processes of adopted sessions are not our children. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      for (const session of [...this.sessions.values()]) {
        if (!session.stopping && !this.locks.has(session.file.name)) await this.observe(session);
      }
    } catch (error) {
      this.log.error({ err: error }, 'session check failed');
    } finally {
      this.polling = false;
    }
  }
}

async function recordProcess(child: ChildProcess): Promise<RecordedProcess> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('process has no pid');
  const stat = await readProcStat(pid);
  if (stat === null) throw new Error(`process ${pid} vanished at once`);
  return { pid, pgid: pid, startTime: stat.startTime };
}
