import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type ObservedState, SessionName, SessionSpec } from '../../../protocol';
import {
  type Runtime,
  RuntimeError,
  type RuntimeSession,
  type RuntimeStatusListener,
  type StreamOptions,
} from '../../runtime';
import { SessionBook } from '../session-book';
import { describeExit } from './diagnostics';
import { followKeysyms, type LaunchHost, type LaunchSettings, launchSession } from './launch';
import { persistentHomeDir, sessionPaths } from './layout';
import { findLeftoverSessions, isIntact } from './leftovers';
import { localFiles } from './local-files';
import {
  isCleanExit,
  type LocalSession,
  PART_LABEL,
  type Part,
  saveSessionState,
  sessionLeaders,
} from './local-session';
import { isStopped, statIfAlive } from './proc';
import { signalSession, waitForState } from './process-control';
import { culprit, failureOf, removeSession } from './session-end';
import { connectUnix } from './unix-socket';

export interface LocalRuntimeOptions extends LaunchSettings {
  /** Holds one directory per session (state file, password, logs, scratch home); created 0700. */
  stateDir: string;
  logger: Logger;
  /** From spawning Xvnc until its RFB socket answers. */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on stop. */
  stopGraceMs?: number;
  /** How often sessions adopted from an earlier agent (no exit events for them) are checked. */
  pollIntervalMs?: number;
}

/** What a session that ended because its app quit with code 0 says. */
export const APP_QUIT_MESSAGE = 'the app quit';

/** Aborts a start because the app quit with code 0: the session ends, it did not fail. */
class AppQuit extends Error {}

/** Per session one TigerVNC Xvnc on a display it picks itself, and the template's command on it. */
export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;
  readonly files = localFiles(() => this.book.ready().then(() => this.book));
  private readonly book: SessionBook<LocalSession>;
  private readonly log: Logger;
  private readonly host: LaunchHost;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.log = options.logger.child({ runtime: 'local' });
    this.book = new SessionBook<LocalSession>({
      logger: this.log,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      closedMessage: 'the local runtime is closed',
      observe: (session) => this.observe(session),
      find: () => findLeftoverSessions(options.stateDir, this.log),
      isIntact: async (session) => {
        const intact = await isIntact(session);
        // An adopted session gets the same care as one started here.
        if (intact) followKeysyms(this.host, session);
        return intact;
      },
      discard: (session) => this.discard(session),
      isSettling: (session) => session.stopping,
    });
    this.host = {
      settings: options,
      log: this.log,
      register: (session) => this.book.set(session.file.name, session),
      watchExit: (session, part) => this.watchExit(session, part),
    };
  }

  onStatus(listener: RuntimeStatusListener): () => void {
    return this.book.onStatus(listener);
  }

  async start(spec: SessionSpec): Promise<ObservedState> {
    const parsed = SessionSpec.safeParse(spec);
    if (!parsed.success)
      throw new RuntimeError('invalid_request', `invalid session spec: ${parsed.error.message}`);
    if (!parsed.data.local) {
      throw new RuntimeError('unsupported', `template ${spec.template} has no local section`);
    }
    await this.book.ready();
    return this.book.withLock(spec.name, async (): Promise<ObservedState> => {
      const existing = this.book.get(spec.name);
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
    await this.book.ready();
    const starting = this.book.cancelStart(name);
    return this.book.withLock(name, async (): Promise<ObservedState> => {
      const session = this.book.get(name);
      if (!session) {
        // Leftovers of a failed start or an earlier crash.
        await rm(sessionPaths(this.options.stateDir, name).dir, { recursive: true, force: true });
        // The start this stop cut short stayed silent, so that the last word is 'terminated'.
        if (starting) this.book.emit(name, 'terminated', 'stopped while starting');
        return 'terminated';
      }
      await this.teardown(session);
      this.book.emit(name, 'terminated', 'stopped');
      return 'terminated';
    });
  }

  hibernate(name: string): Promise<ObservedState> {
    return this.freeze(name, 'hibernated');
  }

  wake(name: string): Promise<ObservedState> {
    return this.freeze(name, 'running');
  }

  async status(name: string): Promise<ObservedState | null> {
    this.checkName(name);
    return this.book.status(name);
  }

  list(): Promise<RuntimeSession[]> {
    return this.book.list();
  }

  async openStream(name: string, options: StreamOptions = {}): Promise<Socket> {
    this.checkName(name);
    await this.book.ready();
    const session = this.book.get(name);
    if (!session) throw new RuntimeError('not_found', `no session ${name}`);
    const state = await this.observe(session);
    if (state !== 'running') throw new RuntimeError('invalid_state', `session ${name} is ${state ?? 'gone'}`);
    return new Promise((resolve, reject) => {
      const socket = connectUnix(session.paths.vncSocket, { onread: options.onread });
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
    const closing = this.book.close();
    for (const session of this.book.all()) {
      for (const child of Object.values(session.children)) child.removeAllListeners('exit');
    }
    await closing;
  }

  /** Hibernates (SIGSTOP) or wakes (SIGCONT) a live session, and answers once Xvnc has followed. */
  private async freeze(name: string, target: 'hibernated' | 'running'): Promise<ObservedState> {
    this.checkName(name);
    await this.book.ready();
    return this.book.withLock(name, async (): Promise<ObservedState> => {
      const session = await this.requireLive(name);
      if ((await this.observe(session)) === target) return target;
      const stop = target === 'hibernated';
      await signalSession(sessionLeaders(session), stop ? 'SIGSTOP' : 'SIGCONT');
      if ((await waitForState(session.file.xvnc, (s) => isStopped(s) === stop, 2_000)) === null) {
        throw new RuntimeError('internal', `session ${name} did not ${stop ? 'stop' : 'resume'}`);
      }
      await saveSessionState(session, target);
      this.book.emit(name, target, '');
      return target;
    });
  }

  private async launch(spec: SessionSpec): Promise<ObservedState> {
    const paths = sessionPaths(this.options.stateDir, spec.name);
    const home = spec.persistentHome
      ? persistentHomeDir(this.options.stateDir, spec.user)
      : paths.scratchHome;
    const startAbort = new AbortController();
    const attempt = this.book.beginStart(spec.name, startAbort);
    this.book.emit(spec.name, 'starting', '');
    const timeoutMs = this.options.startTimeoutMs ?? 20_000;
    const timer = setTimeout(
      () => startAbort.abort(new Error(`did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await launchSession(this.host, spec, paths, home, startAbort, timeoutMs);
      this.book.emit(spec.name, 'running', '');
      return 'running';
    } catch (error) {
      const reason = startAbort.signal.aborted ? startAbort.signal.reason : error;
      const message = `start of ${spec.name} failed: ${reason instanceof Error ? reason.message : String(reason)}`;
      const live = this.book.get(spec.name);
      const session = live?.startAbort === startAbort ? live : null;
      const stopRequested = attempt.stopRequested;
      // An app done before its display was ready (a command that only runs and exits) ended the
      // session as it would have later: terminated, unless its X server went first.
      if (reason instanceof AppQuit && session && !stopRequested) {
        if ((await culprit(session, 'app')) === 'app') {
          await this.endAfterQuit(session, 'the app quit while its session started; ending it');
          return 'terminated';
        }
      }
      if (session) {
        await this.teardown(session).catch((teardownError: unknown) =>
          this.log.error({ err: teardownError, session: spec.name }, 'cleanup after a failed start failed'),
        );
      } else {
        await rm(paths.dir, { recursive: true, force: true });
      }
      this.log.warn({ session: spec.name, reason: message }, 'session did not start');
      // A stop that cut the start short reports 'terminated' itself.
      if (!stopRequested) this.book.emit(spec.name, 'failed', message);
      throw new RuntimeError('start_failed', message, { cause: error });
    } finally {
      clearTimeout(timer);
      this.book.endStart(spec.name, attempt);
    }
  }

  private watchExit(session: LocalSession, part: Part): void {
    const child = session.children[part]!;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const exit = { code, signal };
      const reason = `${PART_LABEL[part]} ${describeExit(code, signal)}`;
      session.exits[part] = exit;
      if (session.stopping || this.book.closed) return;
      if (part === 'wm') {
        // The app still works, only no longer follows the display's size: not worth ending it.
        this.log.warn(
          { session: session.file.name, reason },
          'window manager exited; the app runs on without it',
        );
        return;
      }
      if (session.file.state === 'starting') {
        session.startAbort.abort(
          part === 'app' && isCleanExit(exit) ? new AppQuit(reason) : new Error(reason),
        );
        return;
      }
      void this.ended(session, part);
    };
    // It may have exited while we were writing the state file.
    if (child.exitCode !== null || child.signalCode !== null) {
      queueMicrotask(() => onExit(child.exitCode, child.signalCode));
    } else {
      child.once('exit', onExit);
    }
  }

  /**
   * A session whose app or X server ended on its own: clean up the rest and say how it ended. An
   * app that quit with code 0 was closed by its user, which ends the session ('terminated');
   * anything else is a failure, with the exit and the log lines that explain it.
   */
  private ended(session: LocalSession, noticed: 'xvnc' | 'app'): Promise<void> {
    const name = session.file.name;
    return this.book.withLock(name, async () => {
      if (this.book.get(name) !== session || session.stopping) return;
      const part = await culprit(session, noticed);
      if (part === 'app' && isCleanExit(session.exits[part]))
        return this.endAfterQuit(session, 'the app quit; ending its session');
      const { reason, message } = await failureOf(session, part);
      this.log.warn({ session: name, reason }, 'session failed');
      try {
        await this.teardown(session);
      } catch (error) {
        this.log.error({ err: error, session: name }, 'cleanup of a failed session failed');
      }
      this.book.emit(name, 'failed', message);
    });
  }

  /** Its user closed the app: the session ends as a terminate would end it, not as a failure. */
  private async endAfterQuit(session: LocalSession, logLine: string): Promise<void> {
    const name = session.file.name;
    this.log.info({ session: name }, logLine);
    await this.teardown(session).catch((error: unknown) =>
      this.log.error({ err: error, session: name }, 'cleanup of an ended session failed'),
    );
    this.book.emit(name, 'terminated', APP_QUIT_MESSAGE);
  }

  private async teardown(session: LocalSession): Promise<void> {
    await removeSession(session, this.options.stopGraceMs ?? 3_000);
    this.book.remove(session.file.name, session);
  }

  /** Drops a session found dead, without a status event (the caller reports what it does next). */
  private async discard(session: LocalSession): Promise<void> {
    await this.teardown(session).catch((error: unknown) =>
      this.log.error({ err: error, session: session.file.name }, 'cleanup of a dead session failed'),
    );
  }

  /** The session's state as /proc shows it, or null (and a failure in the background) if it died. */
  private async observe(session: LocalSession): Promise<ObservedState | null> {
    if (session.stopping) return null;
    if (session.file.state === 'starting') return 'starting';
    const xvnc = await statIfAlive(session.file.xvnc);
    const app = session.file.app ? await statIfAlive(session.file.app) : null;
    if (xvnc === null || app === null) {
      void this.ended(session, xvnc === null ? 'xvnc' : 'app');
      return null;
    }
    return isStopped(xvnc) ? 'hibernated' : 'running';
  }

  private async requireLive(name: string): Promise<LocalSession> {
    const session = this.book.get(name);
    if (!session || (await this.observe(session)) === null) {
      throw new RuntimeError('not_found', `no session ${name}`);
    }
    return session;
  }

  private checkName(name: string): void {
    if (!SessionName.safeParse(name).success)
      throw new RuntimeError('invalid_request', 'invalid session name');
  }
}
