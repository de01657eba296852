import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { apiPath, LAUNCH_PROOF, Readiness, routes, type StackControl } from '../protocol';
import { isLaunchProof } from '../stack/launch-proof';

/** How a stack process ended; `error` when it never started at all. */
export interface StackExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * The stack child as the supervisor sees it. In Electron it is a utilityProcess
 * (stack-utility-process.ts), so the RunAsNode fuse can stay off; under plain Node a fork.
 */
export interface StackProcess {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Over the message channel; dropped once the process is gone. */
  postMessage(message: StackControl): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once. */
  onExit(listener: (exit: StackExit) => void): void;
}

export type StackLauncher = (
  script: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv },
) => StackProcess;

export type ForkFn = typeof fork;

/** The plain-Node launcher: a fork with an IPC channel, which serve.ts treats as its parent channel. */
export function nodeStackLauncher(forkFn: ForkFn = fork): StackLauncher {
  return (script, args, { env }) => {
    const child: ChildProcess = forkFn(script, [...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let exited = false;
    const exitListeners: Array<(exit: StackExit) => void> = [];
    const finish = (exit: StackExit) => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(exit);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    // 'error' without 'exit' means the process never started (e.g. the executable is missing).
    child.on('error', (error) => {
      if (child.pid === undefined) finish({ code: null, signal: null, error });
    });
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message) => {
        if (child.connected) child.send(message);
      },
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        exitListeners.push(listener);
      },
    };
  };
}

/**
 * A port nobody listens on right now. The stack binds it moments later; if someone else is
 * faster, the stack fails to listen, or the launch proof exposes the other program.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port was assigned'))));
    });
  });
}

export type ReadyProbe =
  | { kind: 'ready'; agentsOnline: number }
  /** Nothing listens yet, or the stack is up but its database or agent is not. */
  | { kind: 'not-yet'; detail: string }
  /** Something answers that cannot prove it is this launch's stack. */
  | { kind: 'foreign' };

/** One /readyz call with a fresh challenge; ready once the database answers and an agent is online. */
export async function probeReady(
  baseUrl: string,
  secret: string,
  fetchFn: typeof fetch = fetch,
  timeoutMs = 2_000,
): Promise<ReadyProbe> {
  const challenge = randomBytes(24).toString('base64url');
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}${apiPath(routes.readyz)}`, {
      headers: { [LAUNCH_PROOF.challengeHeader]: challenge },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'not-yet', detail: error instanceof Error ? error.message : String(error) };
  }
  const proven = isLaunchProof(secret, challenge, response.headers.get(LAUNCH_PROOF.proofHeader));
  const body: unknown = await response.json().catch(() => null);
  if (!proven) return { kind: 'foreign' };
  const readiness = Readiness.safeParse(body);
  if (!response.ok || !readiness.success)
    return { kind: 'not-yet', detail: `readyz answered ${response.status}` };
  // Without an agent every launch would fail with no_agent; it connects a moment after the listen.
  if (readiness.data.agentsOnline < 1) return { kind: 'not-yet', detail: 'no agent online yet' };
  return { kind: 'ready', agentsOnline: readiness.data.agentsOnline };
}

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
