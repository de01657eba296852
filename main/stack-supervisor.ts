import { type ChildProcess, type ForkOptions, fork as nodeFork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type BackoffOptions, backoffDelay, STACK_ENV, StackMessage } from '../protocol';
import { type CredentialStore, LOCAL_ADMIN_PASSWORD_ACCOUNT } from './credentials';

export type ForkFn = (modulePath: string, args: readonly string[], options: ForkOptions) => ChildProcess;

export type StackState =
  | { phase: 'stopped' }
  | { phase: 'starting'; attempt: number }
  | { phase: 'ready'; url: string; runtime: string }
  /** Exited or never became ready; a restart is scheduled. */
  | { phase: 'crashed'; message: string; retryInMs: number }
  | { phase: 'stopping' };

export interface StackSupervisorOptions {
  /** out/server/serve.js inside the app. */
  serverScript: string;
  dataDir: string;
  credentials: CredentialStore;
  /** Origins the stack must accept browser requests from: the app's renderer. */
  allowedOrigins?: readonly string[];
  /**
   * The stack's runtime flags (protocol's localStackArgs), asked at every start so a restart
   * picks up changed settings.
   */
  args?: () => readonly string[];
  fork?: ForkFn;
  baseEnv?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Jitter of the restart delay (protocol's backoffDelay); Math.random unless a test fixes it. */
  random?: () => number;
  /** A child that stayed up this long is healthy again: the next crash restarts without delay growth. */
  stableAfterMs?: number;
  stopGraceMs?: number;
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

const STDERR_LINES_KEPT = 40;

/**
 * The line of a dying child's stderr worth showing in the tray: Node ends a crash with stack frames
 * and its version, and pino logs are JSON, so neither the last line nor the raw text will do.
 */
export function summarizeStderr(lines: readonly string[]): string | undefined {
  const readable: Array<{ text: string; severe: boolean }> = [];
  for (const line of lines) {
    let text = line.trim();
    let severe = false;
    if (text.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && 'msg' in parsed && typeof parsed.msg === 'string') {
          text = parsed.msg;
          // pino: 50 is error, 60 fatal.
          severe = 'level' in parsed && typeof parsed.level === 'number' && parsed.level >= 50;
        }
      } catch {
        // not JSON after all; keep the raw line
      }
    }
    if (!text || /^at\s/.test(text) || /^Node\.js v\d/.test(text) || /^\^+$/.test(text)) continue;
    readable.push({ text, severe: severe || /error|fatal|fail|cannot|refused/i.test(text) });
  }
  return (readable.findLast((l) => l.severe) ?? readable.at(-1))?.text;
}

/**
 * Runs the local stack (control plane + agent) as a child of Electron main and keeps it running:
 * restarts with capped exponential backoff, and SIGTERM-then-SIGKILL on stop.
 */
export class StackSupervisor {
  private state: StackState = { phase: 'stopped' };
  private readonly listeners = new Set<(state: StackState) => void>();
  private child: ChildProcess | null = null;
  private password: string | null = null;
  private failures = 0;
  /** The port of the last ready child: restarts ask for it again so the URL windows use stays valid. */
  private port = 0;
  private readyAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private readonly opts: Required<
    Pick<StackSupervisorOptions, 'readyTimeoutMs' | 'backoff' | 'stableAfterMs' | 'stopGraceMs' | 'fork'>
  >;

  constructor(private readonly options: StackSupervisorOptions) {
    this.opts = {
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      backoff: options.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
      stableAfterMs: options.stableAfterMs ?? 60_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
      fork: options.fork ?? nodeFork,
    };
  }

  getState(): StackState {
    return this.state;
  }

  subscribe(listener: (state: StackState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once the child is forked; readiness arrives as a state change. */
  async start(): Promise<void> {
    if (this.state.phase !== 'stopped') return;
    this.setState({ phase: 'starting', attempt: 1 });
    try {
      this.password = await this.adminPassword();
      // Private: the stack keeps its database, with every user's hashed credentials, in there.
      await mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      this.setState({ phase: 'stopped' });
      throw error;
    }
    // stop() may have run while the keychain answered.
    if (this.getState().phase !== 'starting') return;
    this.spawn();
  }

  stop(): Promise<void> {
    if (this.state.phase === 'stopped') return Promise.resolve();
    if (!this.stopping) {
      this.stopping = this.doStop().finally(() => {
        this.stopping = null;
      });
    }
    return this.stopping;
  }

  /** The admin password is created once and then lives in the keychain; the stack sets it at every start. */
  private async adminPassword(): Promise<string> {
    const existing = await this.options.credentials.get(LOCAL_ADMIN_PASSWORD_ACCOUNT);
    if (existing) return existing;
    const generated = randomBytes(24).toString('base64url');
    await this.options.credentials.set(LOCAL_ADMIN_PASSWORD_ACCOUNT, generated);
    return generated;
  }

  private env(port: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...(this.options.baseEnv ?? process.env),
      // process.execPath is Electron itself; this makes it behave as plain Node for the child.
      ELECTRON_RUN_AS_NODE: '1',
      [STACK_ENV.port]: String(port),
      [STACK_ENV.adminPassword]: this.password ?? '',
      [STACK_ENV.dataDir]: this.options.dataDir,
      [STACK_ENV.allowedOrigins]: (this.options.allowedOrigins ?? ['app://streamspace']).join(','),
    };
    return env;
  }

  private spawn(): void {
    const port = this.port;
    const stderrTail: string[] = [];
    let fatal: string | null = null;
    let becameReady = false;
    let exited = false;

    const args = ['--port', String(port), ...(this.options.args?.() ?? [])];
    const child = this.opts.fork(this.options.serverScript, args, {
      env: this.env(port),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;

    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        if (stream === 'stderr' && line.trim()) {
          stderrTail.push(line);
          if (stderrTail.length > STDERR_LINES_KEPT) stderrTail.shift();
        }
        this.options.onOutput?.(stream, line);
      });
    }

    this.readyTimer = setTimeout(() => {
      fatal = `did not report ready within ${this.opts.readyTimeoutMs / 1000} s`;
      child.kill('SIGKILL');
    }, this.opts.readyTimeoutMs);

    child.on('message', (raw: unknown) => {
      const parsed = StackMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'fatal') {
        fatal = message.message;
        return;
      }
      if (child !== this.child || this.state.phase === 'stopping') return;
      this.clearReadyTimer();
      becameReady = true;
      this.readyAt = Date.now();
      const boundPort = Number(new URL(message.url).port);
      if (boundPort > 0) this.port = boundPort;
      this.setState({ phase: 'ready', url: message.url.replace(/\/+$/, ''), runtime: message.runtime });
    });

    const onExit = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (exited) return;
      exited = true;
      this.clearReadyTimer();
      if (child !== this.child) return;
      this.child = null;
      if (this.state.phase === 'stopping' || this.state.phase === 'stopped') return;
      const how = spawnError
        ? `could not start: ${spawnError.message}`
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${code}`;
      const why = fatal ?? summarizeStderr(stderrTail);
      this.scheduleRestart(`Local stack ${how}${why ? `: ${why}` : ''}`, becameReady, port);
    };
    child.on('exit', (code, signal) => onExit(code, signal));
    // 'error' without 'exit' means the process never started (e.g. the executable is missing).
    child.on('error', (error) => {
      if (child.pid === undefined) onExit(null, null, error);
    });
  }

  private scheduleRestart(message: string, wasReady: boolean, triedPort: number): void {
    if (wasReady && Date.now() - this.readyAt >= this.opts.stableAfterMs) this.failures = 0;
    // The remembered port may have been taken meanwhile; the next attempt takes any free one.
    if (!wasReady && triedPort !== 0) this.port = 0;
    this.failures += 1;
    const retryInMs = backoffDelay(this.failures - 1, this.opts.backoff, this.options.random);
    this.setState({ phase: 'crashed', message, retryInMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state.phase !== 'crashed') return;
      this.setState({ phase: 'starting', attempt: this.failures + 1 });
      this.spawn();
    }, retryInMs);
  }

  private async doStop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearReadyTimer();
    const child = this.child;
    this.setState({ phase: 'stopping' });
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.opts.stopGraceMs).unref()),
      ]);
      if (!graceful) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.child = null;
    this.failures = 0;
    this.setState({ phase: 'stopped' });
  }

  private clearReadyTimer(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }

  private setState(state: StackState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
