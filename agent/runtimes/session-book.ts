import type { Logger } from 'pino';
import { KeyedQueue, type ObservedState } from '../../protocol';
import { RuntimeError, type RuntimeSession, type RuntimeStatusListener } from '../runtime';
import { StatusEmitter } from '../status-emitter';

/** A session an earlier agent left behind, as a runtime found it in its own records. */
export interface FoundSession<S> {
  name: string;
  session: S;
  /** The state its records give, for the log. */
  recordedState: string;
}

export interface SessionBookHooks<S> {
  /** The session's state as the runtime sees it now, or null if it is gone (and being cleaned up). */
  observe(session: S): Promise<ObservedState | null>;
  /** Sessions an earlier agent left behind; runs once, before the first operation. */
  find(): Promise<FoundSession<S>[]>;
  /** Whether a found session is still whole and may be adopted. */
  isIntact(session: S): Promise<boolean>;
  /** Cleans up a found session that is not intact. */
  discard(session: S): Promise<void>;
  /** Whether polling should leave the session alone (it is being torn down). */
  isSettling?(session: S): boolean;
}

export interface SessionBookOptions<S> extends SessionBookHooks<S> {
  logger: Logger;
  /** How often every session is observed: adopted sessions send no exit events, so they are polled. */
  pollIntervalMs: number;
  /** Names the runtime in errors once it is closed ("the local runtime is closed"). */
  closedMessage: string;
}

/** A start in progress, so that status and list say 'starting' and a stop can cut it short. */
export interface StartAttempt {
  readonly abort: AbortController;
  stopRequested: boolean;
}

/**
 * What every runtime keeps about its sessions, whatever runs them: the session table, starts in
 * progress, a serial queue per session so that operations on one session never overlap, the
 * adoption of sessions an earlier agent left behind, a poll that notices sessions that changed on
 * their own, and the status events the agent forwards.
 */
export class SessionBook<S> {
  private readonly sessions = new Map<string, S>();
  private readonly attempts = new Map<string, StartAttempt>();
  private readonly queue = new KeyedQueue<string>();
  /** Tasks queued or running per session, so that the poll leaves busy sessions alone. */
  private readonly busy = new Map<string, number>();
  private readonly emitter: StatusEmitter;
  private readonly log: Logger;
  private loading: Promise<void> | null = null;
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private isClosed = false;

  constructor(private readonly options: SessionBookOptions<S>) {
    this.log = options.logger;
    this.emitter = new StatusEmitter((error) => this.log.error({ err: error }, 'status listener threw'));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get(name: string): S | undefined {
    return this.sessions.get(name);
  }

  set(name: string, session: S): void {
    this.sessions.set(name, session);
  }

  /** Removes the entry only if it is still this session (a newer start may have replaced it). */
  remove(name: string, session: S): void {
    if (this.sessions.get(name) === session) this.sessions.delete(name);
  }

  all(): S[] {
    return [...this.sessions.values()];
  }

  onStatus(listener: RuntimeStatusListener): () => void {
    return this.emitter.subscribe(listener);
  }

  /** Tells the listeners, unless the runtime is closed. */
  emit(name: string, state: ObservedState, message: string): void {
    if (!this.isClosed) this.emitter.emit({ name, state, message });
  }

  /** Records a start in progress; end it with endStart. */
  beginStart(name: string, abort: AbortController): StartAttempt {
    const attempt: StartAttempt = { abort, stopRequested: false };
    this.attempts.set(name, attempt);
    return attempt;
  }

  endStart(name: string, attempt: StartAttempt): void {
    if (this.attempts.get(name) === attempt) this.attempts.delete(name);
  }

  startAttempt(name: string): StartAttempt | undefined {
    return this.attempts.get(name);
  }

  /** Cuts short a start in progress, for a stop; the start then ends quietly as terminated. */
  cancelStart(name: string): StartAttempt | undefined {
    const starting = this.attempts.get(name);
    if (starting) {
      starting.stopRequested = true;
      starting.abort.abort(new Error('stopped while starting'));
    }
    return starting;
  }

  /** Runs `task` after every earlier task of the session has settled. */
  withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    if (this.isClosed) return Promise.reject(this.closedError());
    this.busy.set(name, (this.busy.get(name) ?? 0) + 1);
    const release = () => {
      const left = (this.busy.get(name) ?? 1) - 1;
      if (left > 0) this.busy.set(name, left);
      else this.busy.delete(name);
    };
    const run = this.queue.run(name, task);
    void run.then(release, release);
    return run;
  }

  /** Adopts what an earlier agent left, once; every operation awaits this first. */
  ready(): Promise<void> {
    if (this.isClosed) return Promise.reject(this.closedError());
    this.loading ??= this.adopt();
    return this.loading;
  }

  /** The session's state: observed when known, 'starting' while a start runs, else null. */
  async status(name: string): Promise<ObservedState | null> {
    await this.ready();
    const session = this.sessions.get(name);
    if (session) return this.options.observe(session);
    return this.attempts.has(name) ? 'starting' : null;
  }

  async list(): Promise<RuntimeSession[]> {
    await this.ready();
    const result: RuntimeSession[] = [];
    for (const name of this.attempts.keys()) {
      if (!this.sessions.has(name)) result.push({ name, state: 'starting' });
    }
    for (const [name, session] of [...this.sessions]) {
      const state = await this.options.observe(session);
      if (state !== null) result.push({ name, state });
    }
    return result;
  }

  /** Stops polling and emitting, refuses new operations, and waits for the running ones. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.emitter.clear();
    await this.queue.idle();
  }

  private closedError(): RuntimeError {
    return new RuntimeError('internal', this.options.closedMessage);
  }

  /** Takes over sessions an earlier agent left running; cleans up those that died meanwhile. */
  private async adopt(): Promise<void> {
    for (const { name, session, recordedState } of await this.options.find()) {
      if (await this.options.isIntact(session)) {
        this.sessions.set(name, session);
        this.log.info({ session: name, state: recordedState }, 'adopted session');
      } else {
        this.log.info({ session: name }, 'cleaning up a session that died while no agent watched it');
        await this.options.discard(session);
      }
    }
    this.poller = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.poller.unref();
  }

  /** Catches changes no event reports, such as deaths of processes that are not our children. */
  private async poll(): Promise<void> {
    if (this.polling || this.isClosed) return;
    this.polling = true;
    try {
      for (const [name, session] of [...this.sessions]) {
        if (this.options.isSettling?.(session) || this.busy.has(name)) continue;
        await this.options.observe(session);
      }
    } catch (error) {
      this.log.error({ err: error }, 'session check failed');
    } finally {
      this.polling = false;
    }
  }
}
