import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectOutput } from './processes';

export interface StackProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Resolves with the URL a child prints once it listens; rejects with its output if it exits or stalls. */
export function waitForUrl(
  child: ChildProcess,
  pattern: RegExp,
  output: () => string,
  what: string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output()}`)), 60_000);
    const check = () => {
      const m = pattern.exec(output());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output()}`));
    });
  });
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the built headless stack (`out/server/serve.js`) exactly as `npm run serve` does, on a free port. */
export async function startStackProcess(
  env: Record<string, string> = {},
  /** `port` and `dataDir` of a stack that was stopped start its successor, as after a restart. */
  options: { dataDir?: string; entry?: string; args?: string[]; port?: number } = {},
): Promise<StackProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ss-stack-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, options.entry ?? 'out/server/serve.js'),
      '--port',
      String(options.port ?? 0),
      ...(options.args ?? []),
    ],
    {
      env: {
        ...process.env,
        STREAMSPACE_DATA_DIR: dataDir,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = collectOutput(child);
  const url = await waitForUrl(child, /running at (http:\/\/\S+)/, out, 'stack').catch((error: unknown) => {
    // A stack that stalled is still running; nobody else holds it to stop it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    dataDir,
    child,
    output: out,
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
