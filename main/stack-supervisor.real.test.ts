import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../protocol';
import { eventually } from '../tests/support/eventually';
import { processCommandLines } from '../tests/support/processes';
import { signedInClient } from './api';
import { AuthSession } from './auth-session';
import { type CredentialStore, memoryCredentialStore } from './credentials';
import { type StackState, StackSupervisor } from './stack-supervisor';

// The real stack (stack/serve.ts, bundled as the build does) under the real supervisor: PGlite, the
// in-process agent and, for sessions, the local runtime's Xvnc and xterm.
const onPath = (binary: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
const missing = ['Xvnc', 'xterm'].filter((b) => !onPath(b));
const root = fileURLToPath(new URL('..', import.meta.url));
// Under the repository, so serve.js finds resources/templates and the migrations above it as it does in out/.
const script = join(root, 'node_modules', '.cache', 'streamspace-tests', `serve-${process.pid}.mjs`);

const READY_MS = 90_000;
let scratch: string;
/** Every pid a test saw start: killed by pid afterwards, whatever the test did. */
const seen = new Set<number>();
const supervisors: StackSupervisor[] = [];

beforeAll(async () => {
  await build({
    entryPoints: [join(root, 'stack', 'serve.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  scratch = await mkdtemp(join(tmpdir(), 'ss-real-stack-'));
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop({ terminateSessions: true })));
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  seen.clear();
});

afterAll(async () => {
  await rm(script, { force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function supervise(dataDir: string, credentials: CredentialStore) {
  const s = new StackSupervisor({
    serverScript: script,
    dataDir,
    credentials,
    baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
    args: () => ['--runtime', 'local'],
    readyTimeoutMs: READY_MS,
    backoff: { initialMs: 100, maxMs: 200 },
  });
  supervisors.push(s);
  return s;
}

function until(s: StackSupervisor, predicate: (state: StackState) => boolean, what: string) {
  return eventually(async () => (predicate(s.getState()) ? s.getState() : null), READY_MS, what);
}

async function ready(s: StackSupervisor): Promise<string> {
  const state = await until(s, (st) => st.phase === 'ready', 'the stack to be ready');
  if (state.phase !== 'ready') throw new Error('not ready');
  if (s.pid) seen.add(s.pid);
  return state.url;
}

function client(url: string, credentials: CredentialStore): ApiClient {
  const auth = new AuthSession({
    fetch,
    baseUrl: url,
    profile: { id: 'local', mode: 'local' },
    credentials,
  });
  return signedInClient({ baseUrl: url, fetch, auth });
}

/** The session's Xvnc and app, from the local runtime's state file. */
async function sessionPids(dataDir: string, name: string): Promise<number[]> {
  const file = join(dataDir, 'local-runtime', 'sessions', name, 'state.json');
  const state = JSON.parse(await readFile(file, 'utf8')) as {
    xvnc: { pid: number };
    app: { pid: number } | null;
  };
  const pids = [state.xvnc.pid, ...(state.app ? [state.app.pid] : [])];
  for (const pid of pids) seen.add(pid);
  return pids;
}

async function launchRunning(api: ApiClient, dataDir: string): Promise<{ name: string; pids: number[] }> {
  const { name } = await api.createSession({ body: { template: 'xterm' } });
  await eventually(
    async () => (await api.getSession({ params: { name } })).state === 'running',
    60_000,
    'the session to run',
  );
  return { name, pids: await sessionPids(dataDir, name) };
}

/** Processes that still name this data folder: the stack, Xvnc (its socket path) or anything else. */
const leftovers = (dataDir: string) =>
  processCommandLines().filter((p) => p.pid !== process.pid && p.argv.some((a) => a.includes(dataDir)));

describe.skipIf(missing.length > 0)(
  `StackSupervisor with the real stack${missing.length ? ` (skipped: ${missing.join(', ')} not on PATH)` : ''}`,
  () => {
    it('restarts the stack after a crash, on the same URL, and signs in again', async () => {
      const dataDir = join(scratch, 'crash');
      const credentials = memoryCredentialStore();
      const s = supervise(dataDir, credentials);
      await s.start();
      const url = await ready(s);
      const first = s.pid ?? 0;
      process.kill(first, 'SIGKILL');
      await until(s, (st) => st.phase === 'crashed', 'the crash to be seen');
      expect(s.getState()).toMatchObject({ message: 'Local stack was killed by SIGKILL' });
      expect(await ready(s)).toBe(url);
      expect(s.pid).not.toBe(first);
      expect((await client(url, credentials).me()).username).toBe('admin');
    }, 180_000);

    it('terminates the sessions on quit when asked, leaving no process behind', async () => {
      const dataDir = join(scratch, 'terminate');
      const credentials = memoryCredentialStore();
      const s = supervise(dataDir, credentials);
      await s.start();
      const url = await ready(s);
      const stackPid = s.pid ?? 0;
      const { pids } = await launchRunning(client(url, credentials), dataDir);
      expect(pids.every(alive)).toBe(true);
      await s.stop({ terminateSessions: true });
      expect(alive(stackPid)).toBe(false);
      await eventually(async () => pids.every((pid) => !alive(pid)), 5_000, 'the session processes to end');
      expect(leftovers(dataDir)).toEqual([]);
    }, 180_000);

    it('keeps the sessions by default, and the next start adopts them', async () => {
      const dataDir = join(scratch, 'keep');
      await mkdir(dataDir, { recursive: true });
      const credentials = memoryCredentialStore();
      const s = supervise(dataDir, credentials);
      await s.start();
      const { name, pids } = await launchRunning(client(await ready(s), credentials), dataDir);
      const stackPid = s.pid ?? 0;
      await s.stop();
      expect(alive(stackPid)).toBe(false);
      expect(pids.every(alive)).toBe(true);

      const again = supervise(dataDir, credentials);
      await again.start();
      const api = client(await ready(again), credentials);
      expect((await api.getSession({ params: { name } })).state).toBe('running');
      await api.terminateSession({ params: { name } });
      await eventually(async () => pids.every((pid) => !alive(pid)), 15_000, 'the adopted session to end');
      expect(await readdir(join(dataDir, 'local-runtime', 'sessions'))).not.toContain(name);
    }, 240_000);
  },
);
