import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForUrl } from '../../tests/support/stack-process';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** This build of the control plane, or another one named by BENCH_BACKEND_ENTRY. */
export const BACKEND_ENTRY = process.env.BENCH_BACKEND_ENTRY ?? join(ROOT, 'out/server/backend.js');

export interface BackendProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The built control plane (`out/server/backend.js`) in its own process on a free loopback port,
 * so the CPU and memory read from /proc are the backend's alone.
 */
export async function startBackendProcess(
  env: Record<string, string>,
  /** Another build to run, e.g. the commit before a change, side by side with this one. */
  entry = BACKEND_ENTRY,
): Promise<BackendProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ss-bench-'));
  // e.g. BENCH_BACKEND_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the backend under load.
  const nodeArgs = (process.env.BENCH_BACKEND_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, entry, '--port', '0', '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      STREAMSPACE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      STREAMSPACE_LOGIN_FAILURES_PER_ADDRESS: '100000',
      STREAMSPACE_LOGIN_FAILURES_PER_USER: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    // Only the head and tail matter for a failure report; a long run must not grow this for ever.
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (process.env.BENCH_BACKEND_LOG) child.stderr?.pipe(process.stderr);
  const url = await waitForUrl(child, /listening at (http:\/\/\S+)/, () => out, 'backend');
  return {
    url,
    pid: child.pid as number,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
