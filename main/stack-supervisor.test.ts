import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountEntry, LOCAL_ADMIN_ACCOUNT, memoryCredentialStore, secretVault } from './credentials';
import {
  type StackState,
  StackSupervisor,
  type StackSupervisorOptions,
  summarizeStderr,
} from './stack-supervisor';
import { until as untilState } from './testing/controller-harness';
import { FAKE_STACK } from './testing/fake-stack-script';

let scripts: string;
let script: string;
beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), 'ss-fake-stack-'));
  script = join(scripts, 'serve.mjs');
  await writeFile(script, FAKE_STACK);
});
afterAll(async () => {
  await rm(scripts, { recursive: true, force: true });
});

const running: StackSupervisor[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function supervisor(env: Record<string, string>, options: Partial<StackSupervisorOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ss-stack-data-'));
  dirs.push(dataDir);
  const credentials = memoryCredentialStore();
  const states: StackState[] = [];
  const output: string[] = [];
  const s = new StackSupervisor({
    serverScript: script,
    dataDir,
    credentials,
    baseEnv: { PATH: process.env.PATH, ...env },
    backoff: { initialMs: 10, maxMs: 15 },
    readyPollMs: 20,
    // No jitter: every delay is the full capped exponential one.
    random: () => 1,
    readyTimeoutMs: 5_000,
    stopGraceMs: 2_000,
    onOutput: (stream, line) => output.push(`${stream}: ${line}`),
    ...options,
  });
  s.subscribe((state) => states.push(state));
  running.push(s);
  const started = async (n: number) =>
    JSON.parse(await readFile(join(dataDir, `start-${n}.json`), 'utf8')) as {
      argv: string[];
      pid: number;
      connected: boolean;
      config: { type: string; adminPassword: string; secret: string } | null;
      env: Record<string, string | undefined>;
    };
  return { s, states, output, credentials, dataDir, started };
}

function until(s: StackSupervisor, predicate: (state: StackState) => boolean, timeoutMs = 5_000) {
  return untilState({ get: () => s.getState(), subscribe: (l) => s.subscribe(l) }, predicate, timeoutMs);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('StackSupervisor', () => {
  it('starts the stack on a free port, hands it its secrets over the channel only, and waits for /readyz', async () => {
    const { s, states, credentials, dataDir, started, output } = await supervisor(
      // Main's own environment may carry one; it must not reach the child.
      { STREAMSPACE_ADMIN_PASSWORD: 'from-main-env', PORT: '1' },
      { args: () => ['--runtime', 'kubernetes', '--context=kind-streamspace'] },
    );
    await s.start();
    const ready = await until(s, (st) => st.phase === 'ready');
    const first = await started(1);
    const port = Number(first.argv[1]);
    expect(port).toBeGreaterThan(0);
    expect(ready).toEqual({ phase: 'ready', url: `http://127.0.0.1:${port}`, runtime: 'local' });
    expect(states.map((st) => st.phase)).toEqual(['starting', 'ready']);

    const password = (await secretVault(credentials).read(LOCAL_ADMIN_ACCOUNT)).adminPassword;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.argv).toEqual([
      '--port',
      String(port),
      '--runtime',
      'kubernetes',
      '--context=kind-streamspace',
    ]);
    expect(first.connected).toBe(true);
    expect(first.config).toEqual({ type: 'config', adminPassword: password, secret: expect.any(String) });
    expect(first.config?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.env).toEqual({
      ELECTRON_RUN_AS_NODE: undefined,
      PORT: undefined,
      STREAMSPACE_ADMIN_PASSWORD: undefined,
      STREAMSPACE_DATA_DIR: dataDir,
      STREAMSPACE_ALLOWED_ORIGINS: 'app://streamspace',
      STREAMSPACE_RUNTIME: undefined,
      STREAMSPACE_KUBE_CONTEXT: undefined,
    });
    await until(s, () => output.includes(`stdout: listening on ${port}`));
  });

  it('gives every launch its own secret', async () => {
    const { s, states, started } = await supervisor({ FAKE_MODE: 'die-after-ready' });
    await s.start();
    await until(s, () => states.filter((st) => st.phase === 'ready').length === 2);
    expect((await started(1)).config?.secret).not.toBe((await started(2)).config?.secret);
  });

  it("does not take a server without this launch's proof for its stack", async () => {
    const { s } = await supervisor({ FAKE_MODE: 'no-proof' }, { readyTimeoutMs: 1000 });
    await s.start();
    const crashed = await until(s, (st) => st.phase === 'crashed');
    expect(crashed).toMatchObject({
      message: expect.stringMatching(
        /^Local stack was killed by SIGKILL: port \d+ answers without this launch's proof/,
      ),
    });
  });

  it('creates a missing data folder, private to the user', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'ss-stack-parent-'));
    dirs.push(parent);
    const dataDir = join(parent, 'nested', 'stack');
    const { s } = await supervisor({}, { dataDir });
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'start-1.json'))).toBe(true);
  });

  it('keeps the admin password from the keychain across starts', async () => {
    const { s, credentials, started } = await supervisor({});
    await secretVault(credentials).update(LOCAL_ADMIN_ACCOUNT, { adminPassword: 'kept-secret' });
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    expect((await started(1)).config?.adminPassword).toBe('kept-secret');
    expect(credentials.snapshot()).toEqual(
      accountEntry(LOCAL_ADMIN_ACCOUNT, { adminPassword: 'kept-secret' }),
    );
  });

  it('restarts a crashing stack with capped backoff and says why it crashed', async () => {
    const { s, states } = await supervisor({ FAKE_CRASHES: '3' });
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    const crashes = states.filter((st) => st.phase === 'crashed');
    expect(crashes.map((c) => c.retryInMs)).toEqual([10, 15, 15]);
    expect(crashes[0]?.message).toBe('Local stack exited with code 3: database is locked');
    expect(states.filter((st) => st.phase === 'starting').map((st) => st.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('asks a restarted stack for the port it had and the settings of now', async () => {
    let runtime = 'local';
    const { s, states, started } = await supervisor(
      { FAKE_MODE: 'die-after-ready' },
      { args: () => ['--runtime', runtime] },
    );
    await s.start();
    runtime = 'kubernetes';
    await until(s, () => states.filter((st) => st.phase === 'ready').length === 2);
    const port = (await started(1)).argv[1];
    expect((await started(1)).argv).toEqual(['--port', port, '--runtime', 'local']);
    expect((await started(2)).argv).toEqual(['--port', port, '--runtime', 'kubernetes']);
    expect(s.getState()).toMatchObject({ phase: 'ready', url: `http://127.0.0.1:${port}` });
    expect(states.find((st) => st.phase === 'crashed')).toMatchObject({
      message: 'Local stack exited with code 7',
    });
  });

  it('shows the fatal message the stack sent before dying', async () => {
    const { s } = await supervisor({ FAKE_MODE: 'fatal' });
    await s.start();
    const crashed = await until(s, (st) => st.phase === 'crashed');
    expect(crashed).toMatchObject({ message: 'Local stack exited with code 1: no runtime available' });
  });

  it('kills and restarts a stack whose /readyz never says ready, on a new port', async () => {
    // Long enough for a loaded machine to start Node and write its start file, short enough to wait for.
    const { s, states, started, dataDir } = await supervisor(
      { FAKE_MODE: 'never-ready' },
      { readyTimeoutMs: 3000 },
    );
    await s.start();
    const crashed = await until(s, (st) => st.phase === 'crashed');
    expect(crashed).toMatchObject({
      message: 'Local stack was killed by SIGKILL: did not become ready within 3 s',
    });
    expect(alive((await started(1)).pid)).toBe(false);
    await until(s, () => states.filter((st) => st.phase === 'starting').length === 2);
    for (let i = 0; i < 200 && !existsSync(join(dataDir, 'start-2.json')); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await started(2)).argv[1]).not.toBe((await started(1)).argv[1]);
  });

  it('explains a stack script that cannot even load', async () => {
    const { s } = await supervisor({}, { serverScript: join(scripts, 'missing.mjs') });
    await s.start();
    const crashed = await until(s, (st) => st.phase === 'crashed');
    expect(crashed).toMatchObject({
      message: expect.stringMatching(/^Local stack exited with code 1: .*Cannot find module/),
    });
  });

  it('stops with SIGTERM and does not restart', async () => {
    const { s, states, dataDir, started } = await supervisor({});
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    const { pid } = await started(1);
    await s.stop();
    expect(s.getState()).toEqual({ phase: 'stopped' });
    expect(existsSync(join(dataDir, 'sigterm-1'))).toBe(true);
    expect(alive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(states.map((st) => st.phase)).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it('asks the stack to terminate its sessions on quit before any signal', async () => {
    const { s, dataDir, started } = await supervisor({});
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    const { pid } = await started(1);
    await s.stop({ terminateSessions: true });
    expect(JSON.parse(await readFile(join(dataDir, 'shutdown-1'), 'utf8'))).toEqual({
      type: 'shutdown',
      terminateSessions: true,
    });
    expect(existsSync(join(dataDir, 'sigterm-1'))).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('falls back to SIGTERM and SIGKILL when the stack does not finish terminating', async () => {
    const { s, started } = await supervisor(
      { FAKE_MODE: 'stubborn' },
      { terminateGraceMs: 100, stopGraceMs: 100 },
    );
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    const { pid } = await started(1);
    const before = Date.now();
    await s.stop({ terminateSessions: true });
    expect(Date.now() - before).toBeGreaterThanOrEqual(190);
    expect(alive(pid)).toBe(false);
  });

  it('kills a stack that ignores SIGTERM once the grace period is over', async () => {
    const { s, started } = await supervisor({ FAKE_MODE: 'stubborn' }, { stopGraceMs: 200 });
    await s.start();
    await until(s, (st) => st.phase === 'ready');
    const { pid } = await started(1);
    const before = Date.now();
    await s.stop();
    expect(Date.now() - before).toBeGreaterThanOrEqual(190);
    expect(alive(pid)).toBe(false);
  });

  it('cancels a pending restart on stop', async () => {
    const { s, states } = await supervisor(
      { FAKE_CRASHES: '5' },
      { backoff: { initialMs: 200, maxMs: 200 } },
    );
    await s.start();
    await until(s, (st) => st.phase === 'crashed');
    await s.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.getState()).toEqual({ phase: 'stopped' });
    expect(states.filter((st) => st.phase === 'starting')).toHaveLength(1);
  });
});

describe('summarizeStderr', () => {
  it('skips stack frames and the Node version to find the error', () => {
    expect(
      summarizeStderr([
        'node:internal/modules/esm/resolve:275',
        '    throw new ERR_MODULE_NOT_FOUND(',
        '          ^',
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/serve.js'",
        '    at finalizeResolution (node:internal/modules/esm/resolve:275:11)',
        "  code: 'ERR_MODULE_NOT_FOUND',",
        '}',
        'Node.js v20.20.2',
      ]),
    ).toBe("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/serve.js'");
  });

  it('reads pino JSON lines and falls back to the last line', () => {
    expect(summarizeStderr(['{"level":50,"msg":"listen EADDRINUSE failed"}', 'bye'])).toBe(
      'listen EADDRINUSE failed',
    );
    expect(summarizeStderr(['warming up', 'bye'])).toBe('bye');
    expect(summarizeStderr([])).toBeUndefined();
  });
});
