import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type BackoffOptions, backoffDelay, STACK_ENV, StackMessage } from '../protocol';
import { type CredentialStore, LOCAL_ADMIN_ACCOUNT, secretVault } from './credentials';
import {
  freePort,
  nodeStackLauncher,
  probeReady,
  type StackExit,
  type StackLauncher,
  type StackProcess,
  summarizeStderr,
} from './stack-process';

export { summarizeStderr } from './stack-process';

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
  /** Electron's utilityProcess in the app; a Node fork unless a test says otherwise. */
  launch?: StackLauncher;
  baseEnv?: NodeJS.ProcessEnv;
  /** From the start until /readyz answers ready, with this launch's proof. */
  readyTimeoutMs?: number;
  /** Between two /readyz calls while waiting. */
  readyPollMs?: number;
  backoff?: BackoffOptions;
  /** Jitter of the restart delay (protocol's backoffDelay); Math.random unless a test fixes it. */
  random?: () => number;
  /** A child that stayed up this long is healthy again: the next crash restarts without delay growth. */
  stableAfterMs?: number;
  /** After SIGTERM, before SIGKILL. */
  stopGraceMs?: number;
  /** How long a stack terminating its sessions on quit may take before the SIGTERM. */
  terminateGraceMs?: number;
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

const STDERR_LINES_KEPT = 40;
const LOOPBACK = '127.0.0.1';

interface Running {
  process: StackProcess;
  exited: Promise<void>;
  done: boolean;
}

/**
 * Runs the local stack (control plane + agent) as a child of Electron main and keeps it running:
 * restarts with capped exponential backoff, and SIGTERM-then-SIGKILL on stop.
 */
export class StackSupervisor {
  private state: StackState = { phase: 'stopped' };
  private readonly listeners = new Set<(state: StackState) => void>();
  private child: Running | null = null;
  private password: string | null = null;
  private failures = 0;
  /** The port of the last ready child: restarts ask for it again so the URL windows use stays valid. */
  private port = 0;
  private readyAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private readonly opts: Required<
    Pick<
      StackSupervisorOptions,
      | 'readyTimeoutMs'
      | 'readyPollMs'
      | 'backoff'
      | 'stableAfterMs'
      | 'stopGraceMs'
      | 'terminateGraceMs'
      | 'launch'
    >
  >;

  constructor(private readonly options: StackSupervisorOptions) {
    this.opts = {
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      readyPollMs: options.readyPollMs ?? 150,
      backoff: options.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
      stableAfterMs: options.stableAfterMs ?? 60_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
      terminateGraceMs: options.terminateGraceMs ?? 20_000,
      launch: options.launch ?? nodeStackLauncher(),
    };
  }

  getState(): StackState {
    return this.state;
  }

  /** The running child's pid, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.child?.process.pid;
  }

  subscribe(listener: (state: StackState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once the child is started; readiness arrives as a state change. */
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
    await this.spawn();
  }

  /**
   * SIGTERM, then SIGKILL after the grace period. `terminateSessions` first asks the stack to end
   * every session, their Xvnc included; otherwise they keep running for the next start to adopt.
   */
  stop(options: { terminateSessions?: boolean } = {}): Promise<void> {
    if (this.state.phase === 'stopped') return Promise.resolve();
    if (!this.stopping) {
      this.stopping = this.doStop(options.terminateSessions ?? false).finally(() => {
        this.stopping = null;
      });
    }
    return this.stopping;
  }

  /** The admin password is created once and then lives in the keychain; the stack sets it at every start. */
  private async adminPassword(): Promise<string> {
    const vault = secretVault(this.options.credentials);
    const existing = (await vault.read(LOCAL_ADMIN_ACCOUNT)).adminPassword;
    if (existing) return existing;
    const generated = randomBytes(24).toString('base64url');
    await vault.update(LOCAL_ADMIN_ACCOUNT, { adminPassword: generated });
    return generated;
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...(this.options.baseEnv ?? process.env) };
    // The config message carries it; one inherited from main's own environment must not override it.
    delete env[STACK_ENV.adminPassword];
    delete env[STACK_ENV.port];
    env[STACK_ENV.dataDir] = this.options.dataDir;
    env[STACK_ENV.allowedOrigins] = (this.options.allowedOrigins ?? ['app://streamspace']).join(',');
    return env;
  }

  private async spawn(): Promise<void> {
    let port: number;
    try {
      port = this.port || (await freePort(LOOPBACK));
    } catch (error) {
      this.scheduleRestart(`Local stack found no free port: ${String(error)}`, false, 0);
      return;
    }
    if (this.state.phase !== 'starting') return;
    const secret = randomBytes(32).toString('base64url');
    const stderrTail: string[] = [];
    let fatal: string | null = null;
    let runtime: string | null = null;
    let becameReady = false;

    const args = ['--port', String(port), ...(this.options.args?.() ?? [])];
    const child = this.opts.launch(this.options.serverScript, args, { env: this.env() });
    let resolveExited = () => {};
    const running: Running = {
      process: child,
      exited: new Promise<void>((resolve) => {
        resolveExited = resolve;
      }),
      done: false,
    };
    this.child = running;
    // First message, before the stack opens its database: it starts nothing without it.
    child.postMessage({ type: 'config', adminPassword: this.password ?? '', secret });

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

    child.onMessage((raw: unknown) => {
      const parsed = StackMessage.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'fatal') fatal = parsed.data.message;
      else runtime = parsed.data.runtime;
    });

    child.onExit((exit: StackExit) => {
      running.done = true;
      resolveExited();
      if (running !== this.child) return;
      this.child = null;
      if (this.state.phase === 'stopping' || this.state.phase === 'stopped') return;
      const how = exit.error
        ? `could not start: ${exit.error.message}`
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.code}`;
      const why = fatal ?? summarizeStderr(stderrTail);
      this.scheduleRestart(`Local stack ${how}${why ? `: ${why}` : ''}`, becameReady, port);
    });

    const url = `http://${LOOPBACK}:${port}`;
    const deadline = Date.now() + this.opts.readyTimeoutMs;
    const current = () => !running.done && running === this.child && this.state.phase === 'starting';
    // In the background: start() resolves once the child runs, readiness arrives as a state change.
    void (async () => {
      let foreign = false;
      while (current()) {
        const probe = await probeReady(url, secret);
        if (!current()) return;
        foreign = probe.kind === 'foreign';
        if (probe.kind === 'ready' && runtime !== null) {
          becameReady = true;
          this.readyAt = Date.now();
          this.port = port;
          this.setState({ phase: 'ready', url, runtime });
          return;
        }
        if (Date.now() >= deadline) {
          fatal = foreign
            ? `port ${port} answers without this launch's proof: another program is using it`
            : `did not become ready within ${this.opts.readyTimeoutMs / 1000} s`;
          child.kill('SIGKILL');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.opts.readyPollMs));
      }
    })();
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
      void this.spawn();
    }, retryInMs);
  }

  private async doStop(terminateSessions: boolean): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const running = this.child;
    this.setState({ phase: 'stopping' });
    if (running && !running.done) {
      const exitedWithin = (ms: number) =>
        Promise.race([
          running.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
        ]);
      // Ending sessions takes a while (each Xvnc gets its own grace); SIGTERM would cut it short.
      let exited = false;
      if (terminateSessions) {
        running.process.postMessage({ type: 'shutdown', terminateSessions: true });
        exited = await exitedWithin(this.opts.terminateGraceMs);
      }
      if (!exited) {
        running.process.kill('SIGTERM');
        exited = await exitedWithin(this.opts.stopGraceMs);
      }
      if (!exited) {
        running.process.kill('SIGKILL');
        await running.exited;
      }
    }
    this.child = null;
    this.failures = 0;
    this.setState({ phase: 'stopped' });
  }

  private setState(state: StackState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
